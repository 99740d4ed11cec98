/* Double free. */
#include <stdlib.h>

#include "tags_rt.h"

int main(void) {
  char* p = malloc(32);
  p[0] = 1;
  free(p);
  tags_sink = (uintptr_t)p;
  free(p); /* BUG: second free */
  return 0;
}
