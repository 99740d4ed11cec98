/* Heap buffer underflow: reads the word before an allocation (the allocator's header). */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) long peek_before(const long* p) {
  return p[-1]; /* BUG: before the allocation */
}

int main(void) {
  long* p = malloc(8 * sizeof(long));
  p[0] = 1;
  print("before", peek_before(p));
  free(p);
  return 0;
}
