/* Heap buffer overflow: writes one element past a 16-element array. */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) void fill_table(long* table, int n) {
  for (int i = 0; i <= n; ++i) table[i] = i; /* BUG: i == n is past the end */
}

int main(void) {
  long* table = malloc(16 * sizeof(long));
  fill_table(table, 16);
  print("sum", table[0] + table[15]);
  free(table);
  return 0;
}
