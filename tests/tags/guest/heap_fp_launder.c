/* Heap buffer overflow through a pointer laundered through an FP register (lp64d): the pointer
   goes into ft0 and back (fmv.d.x, fmv.x.d), which copies its tag too, so writing one element
   past the end of the array through it is still caught. */
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((noinline)) long* launder(long* p) {
  long* out;
  __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(out) : "r"(p) : "ft0");
  return out;
}

__attribute__((noinline)) void poke_end(long* table, int n) {
  table[n] = n; /* BUG: one past the end */
}

int main(void) {
  long* table = malloc(16 * sizeof(long));
  poke_end(launder(table), 16);
  print("end", table[0]);
  free(table);
  return 0;
}
