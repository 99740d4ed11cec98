/* Compute-bound benchmark: integer (fixed-point 4.28) Mandelbrot over a 384x256 grid, 1024
   iterations max. Prints a checksum of iteration counts so every run can be checked. */
#include "mandel_kernel.h"
#include "runtime.h"

int main(void) {
  const uint64_t checksum = mandel_checksum(384, 256, 1024);
  bare_puts("mandel_int checksum ");
  bare_put_hex(checksum);
  bare_putc('\n');
  return 0;
}
