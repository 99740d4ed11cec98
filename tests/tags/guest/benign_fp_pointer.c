/* Benign (lp64d): heap pointers parked in FP registers and brought back (fmv.d.x, fmv.d,
   fmv.x.d) keep their tags, so using and freeing them in bounds runs clean. */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) long* through_fp(long* p) {
  long* out;
  __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d ft1, ft0\n\tfmv.x.d %0, ft1"
                   : "=r"(out)
                   : "r"(p)
                   : "ft0", "ft1");
  return out;
}

int main(void) {
  long sum = 0;
  for (int round = 0; round < 8; ++round) {
    long* table = through_fp(malloc(16 * sizeof(long)));
    for (int i = 0; i < 16; ++i) table[i] = i * round;
    long* again = through_fp(table);
    for (int i = 0; i < 16; ++i) sum += again[i];
    free(through_fp(again));
  }
  print("sum", sum);
  return 0;
}
