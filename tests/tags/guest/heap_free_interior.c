/* Free of a pointer into the middle of an allocation. */
#include <stdlib.h>

#include "tags_rt.h"

int main(void) {
  long* p = malloc(8 * sizeof(long));
  p[0] = 1;
  free(p + 2); /* BUG: interior pointer */
  return 0;
}
