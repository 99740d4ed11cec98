/* Moves sp within the top page of the address space (as random code may): under `frame`, the
   policy tags the words sp released, and the host must not loop forever over a range that ends
   at 2^64 (found by tests/fuzz/qemu_differential.py). */
#include "runtime.h"

int main(void) {
  uint64_t saved;
  __asm__ volatile(
      "mv %0, sp\n"
      "li sp, -1279\n"     /* 0xfffffffffffffb01 */
      "addi sp, sp, 825\n" /* up to 0xfffffffffffffe3a: releases words in the top page */
      "addi sp, sp, -1000\n"
      "mv sp, %0\n"
      : "=&r"(saved)
      :
      : "memory");
  bare_puts("sp moved at the top of the address space\n");
  return 0;
}
