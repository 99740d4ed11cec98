/* Compute-bound benchmark: integer (fixed-point 4.28) Mandelbrot over a 384x256 grid, 1024
   iterations max. Prints a checksum of iteration counts so every run can be checked. */
#include "runtime.h"

#define W 384
#define H 256
#define MAX_ITER 1024
#define FRAC 28

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

int main(void) {
  uint64_t checksum = 0;
  for (int y = 0; y < H; ++y) {
    const int64_t ci = ((int64_t)(y - H / 2) << FRAC) * 5 / (2 * H);
    for (int x = 0; x < W; ++x) {
      const int64_t cr = (((int64_t)(x - (W * 2) / 3) << FRAC) * 7) / (2 * W);
      checksum = checksum * 31 + (uint64_t)iterate(cr, ci);
    }
  }
  bare_puts("mandel_int checksum ");
  bare_put_hex(checksum);
  bare_putc('\n');
  return 0;
}
