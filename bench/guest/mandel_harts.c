/* Independent work on every hart: each hart computes the same integer Mandelbrot (as
   mandel_int.c, smaller grid) and adds its checksum to a shared total; hart 0 waits for all.
   Throughput with N harts vs 1 measures how well parallel mode scales. */
#include "mandel_kernel.h"
#include "runtime.h"
#include "unitag/bootinfo.h"

/* In .data, not .bss: hart 0 clears .bss while the other harts already run. */
static volatile uint64_t total __attribute__((section(".data")));
static volatile uint32_t finished __attribute__((section(".data")));
static unsigned harts = 1;

static void work(void) {
  const uint64_t checksum = mandel_checksum(192, 128, 1024);
  __atomic_fetch_add(&total, checksum, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(unsigned long hart) {
  (void)hart;
  work();
  for (;;) __asm__ volatile("wfi");
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  /* start.S passes no boot info to main; read it from a1 as saved by the runtime. */
  const struct unitag_bootinfo* info = (const struct unitag_bootinfo*)bare_boot_arg;
  if (info && info->magic == UNITAG_BOOTINFO_MAGIC) harts = info->hart_count;
  work();
  while (__atomic_load_n(&finished, __ATOMIC_SEQ_CST) < harts) {
  }
  bare_puts("mandel_harts harts=");
  bare_put_dec(harts);
  bare_puts(" total ");
  bare_put_hex(total);
  bare_putc('\n');
  return 0;
}
