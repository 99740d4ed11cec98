/* tag.bound may only narrow: asking for bounds past the object's end (to reach the next block)
   is refused, so narrowing is no way to forge a wider pointer. */
#include <stdlib.h>

#include "bounds_guest.h"

int main(void) {
  struct account* a = malloc(sizeof *a);
  char* wide = unitag_tag_bound(a, 4096); /* BUG: wider than the block */
  wide[100] = 1;
  free(a);
  return 0;
}
