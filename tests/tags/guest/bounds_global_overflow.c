/* Global buffer overflow: an off-by-one loop writes one element past a global array, into
   whatever the linker placed next. bounds knows the array's size from its ELF symbol. */
#include "tags_rt.h"

long total_samples = 5;
long histogram[8] = {1}; /* after total_samples: not at __data_start, which names no object */

__attribute__((noinline)) void clear(long* bins, int n) {
  for (int i = 0; i <= n; ++i) bins[i] = 0; /* BUG: i == n is past the end */
}

int main(void) {
  clear(histogram, 8);
  print("samples", total_samples);
  return 0;
}
