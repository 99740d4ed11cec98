/* A store into code (self-modifying code or a corrupted pointer into .text). */
#include <stdint.h>

#include "tags_rt.h"

__attribute__((noinline)) long victim(long x) { return x + 1; }

__attribute__((noinline)) void patch(volatile uint32_t* where) {
  *where = 0x00000013; /* BUG: store into code */
}

int main(void) {
  patch((volatile uint32_t*)(uintptr_t)victim);
  print("victim", victim(1));
  return 0;
}
