/* Free of a pointer malloc never returned (a global). */
#include <stdlib.h>

#include "tags_rt.h"

long global_table[4];

int main(void) {
  global_table[0] = 1;
  free(global_table); /* BUG: not a heap pointer */
  return 0;
}
