/* The fixed-point (4.28) Mandelbrot kernel shared by the compute benchmarks: iterations for the
   point (cr, ci), and a checksum over a W x H grid of the plane. */
#pragma once
#include <stdint.h>

#define MANDEL_FRAC 28

static inline int mandel_iterate(int64_t cr, int64_t ci, int max_iter) {
  int64_t zr = 0, zi = 0;
  int n = 0;
  while (n < max_iter) {
    const int64_t zr2 = (zr * zr) >> MANDEL_FRAC, zi2 = (zi * zi) >> MANDEL_FRAC;
    if (zr2 + zi2 > (4LL << MANDEL_FRAC)) break;
    zi = ((zr * zi) >> (MANDEL_FRAC - 1)) + ci;
    zr = zr2 - zi2 + cr;
    ++n;
  }
  return n;
}

static inline uint64_t mandel_checksum(int w, int h, int max_iter) {
  uint64_t checksum = 0;
  for (int y = 0; y < h; ++y) {
    const int64_t ci = ((int64_t)(y - h / 2) << MANDEL_FRAC) * 5 / (2 * h);
    for (int x = 0; x < w; ++x) {
      const int64_t cr = (((int64_t)(x - (w * 2) / 3) << MANDEL_FRAC) * 7) / (2 * w);
      checksum = checksum * 31 + (uint64_t)mandel_iterate(cr, ci, max_iter);
    }
  }
  return checksum;
}
