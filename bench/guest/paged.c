/* Runs a benchmark's main (renamed bench_main by its *_paged.c wrapper) in S-mode under Sv39,
   with all of RAM and the devices mapped by identity gigapages, so `unitag run --stats` measures
   the paged memory path (page walks, the TLB) on the same work as the unpaged image. */
#include <stdint.h>

#include "runtime.h"

int bench_main(void);

static uint64_t root[512] __attribute__((aligned(4096)));

/* The benchmark's `ecall` (cause 9) ends the run with its exit code; anything else is a bug. */
__attribute__((naked, aligned(4))) static void paged_m_trap(void) {
  __asm__ volatile(
      "csrr t0, mcause\n"
      "li t1, 9\n"
      "beq t0, t1, 1f\n"
      "li a0, 99\n"
      "1: j bare_exit\n");
}

static void s_entry(void) {
  register long code __asm__("a0") = bench_main();
  __asm__ volatile("ecall" ::"r"(code));
  for (;;) {
  }
}

int main(void) {
  const uint64_t flags = 0xcf; /* V R W X A D */
  root[0] = (0x0ull >> 12) << 10 | flags;          /* devices */
  root[2] = (0x80000000ull >> 12) << 10 | flags;   /* RAM */
  root[3] = (0xc0000000ull >> 12) << 10 | flags;
  __asm__ volatile("csrw pmpaddr0, %0\n csrw pmpcfg0, %1" ::"r"(~0ull >> 10), "r"(0x1full));
  __asm__ volatile("csrw satp, %0\n sfence.vma" ::"r"((8ull << 60) | ((uint64_t)root >> 12)));
  __asm__ volatile(
      "csrw mtvec, %0\n"
      "csrw mepc, %1\n"
      "li t0, 0x1800\n csrc mstatus, t0\n"
      "li t0, 0x800\n csrs mstatus, t0\n"
      "mret" ::"r"(paged_m_trap),
      "r"(s_entry)
      : "t0");
  return 1;
}
