/* Heap buffer underflow through pointer - integer (a `sub` of a register): still caught after
   pointer - pointer became an integer. */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) long back_from(const long* p, long n) {
  return *(p - n); /* BUG: n elements before the allocation when n > 0 */
}

int main(void) {
  long* p = malloc(8 * sizeof(long));
  for (int i = 0; i < 8; ++i) p[i] = i;
  print("back", back_from(p + 4, (long)(tags_sink | 6)));
  free(p);
  return 0;
}
