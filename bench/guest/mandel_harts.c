/* Independent work on every hart: each hart computes the same integer Mandelbrot (as
   mandel_int.c, smaller grid) and adds its checksum to a shared total; hart 0 waits for all.
   Throughput with N harts vs 1 measures how well parallel mode scales. */
#include "runtime.h"
#include "unitag/bootinfo.h"

#define W 192
#define H 128
#define MAX_ITER 1024
#define FRAC 28

static volatile uint64_t total;
static volatile uint32_t finished;
static unsigned harts = 1;

static int iterate(int64_t cr, int64_t ci) {
  int64_t zr = 0, zi = 0;
  int n = 0;
  while (n < MAX_ITER) {
    const int64_t zr2 = (zr * zr) >> FRAC, zi2 = (zi * zi) >> FRAC;
    if (zr2 + zi2 > (4LL << FRAC)) break;
    zi = ((zr * zi) >> (FRAC - 1)) + ci;
    zr = zr2 - zi2 + cr;
    ++n;
  }
  return n;
}

static void work(void) {
  uint64_t checksum = 0;
  for (int y = 0; y < H; ++y) {
    const int64_t ci = ((int64_t)(y - H / 2) << FRAC) * 5 / (2 * H);
    for (int x = 0; x < W; ++x) {
      const int64_t cr = (((int64_t)(x - (W * 2) / 3) << FRAC) * 7) / (2 * W);
      checksum = checksum * 31 + (uint64_t)iterate(cr, ci);
    }
  }
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
