/* Use of the old pointer after realloc moved the block. */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) void store(long* p, long v) {
  p[0] = v; /* BUG when p is the pre-realloc pointer */
}

int main(void) {
  long* old = malloc(4 * sizeof(long));
  long* blocker = malloc(16); /* keeps realloc from growing in place */
  store(old, 1);
  long* grown = realloc(old, 4096);
  store(grown, 2);
  store(old, 3);
  free(grown);
  free(blocker);
  return 0;
}
