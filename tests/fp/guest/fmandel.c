/* Single-precision Mandelbrot: prints the set as text plus the exact bits of a running float
   sum, so any difference in FP rounding between unitag and QEMU shows in the output.
   FMANDEL_W/H/ITER select the size (the benchmark build uses a larger one). */
#include <stdint.h>

#include "runtime.h"

#ifndef FMANDEL_W
#define FMANDEL_W 64
#define FMANDEL_H 24
#define FMANDEL_ITER 256
#endif

static uint32_t bits_of(float f) {
  union {
    float f;
    uint32_t u;
  } v = {f};
  return v.u;
}

static int escape_time(float cr, float ci, float* last_mag) {
  float zr = 0.0f, zi = 0.0f;
  int n = 0;
  while (n < FMANDEL_ITER) {
    const float zr2 = zr * zr, zi2 = zi * zi;
    if (zr2 + zi2 > 4.0f) break;
    zi = 2.0f * zr * zi + ci;
    zr = zr2 - zi2 + cr;
    ++n;
  }
  *last_mag = zr * zr + zi * zi;
  return n;
}

int main(void) {
  static const char kShades[] = " .:-=+*#%@";
  uint64_t total = 0;
  float sum = 0.0f;
  for (int y = 0; y < FMANDEL_H; ++y) {
    const float ci = -1.2f + 2.4f * (float)y / (float)FMANDEL_H;
    for (int x = 0; x < FMANDEL_W; ++x) {
      const float cr = -2.1f + 3.0f * (float)x / (float)FMANDEL_W;
      float mag;
      const int n = escape_time(cr, ci, &mag);
      total += (uint64_t)n;
      sum += mag / (float)(n + 1);
      if (FMANDEL_W <= 80) bare_putc(n >= FMANDEL_ITER ? '@' : kShades[n % 9]);
    }
    if (FMANDEL_W <= 80) bare_putc('\n');
  }
  bare_puts("iterations ");
  bare_put_dec((int64_t)total);
  bare_puts("\nsum bits ");
  bare_put_hex(bits_of(sum));
  bare_putc('\n');
  return 0;
}
