/* A computed jump (not a call, not a return) into the middle of another function. */
#include <stdint.h>

#include "tags_rt.h"

__attribute__((noinline)) long other(long x) {
  tags_sink = (uintptr_t)x;
  return x + 1;
}

__attribute__((noinline)) void jump_to(uintptr_t target) {
  __asm__ volatile("jr %0" : : "r"(target)); /* BUG: computed jump outside this function */
}

int main(void) {
  jump_to((uintptr_t)other + 4);
  return 0;
}
