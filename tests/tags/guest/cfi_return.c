/* A return redirected to a function entry (return-oriented control flow): the saved return
   address is overwritten with the address of a function, which is not a return site. */
#include <stdint.h>

#include "tags_rt.h"

__attribute__((noinline)) void gadget(void) {
  bare_puts("gadget reached\n");
  bare_exit(3);
}

volatile int copy_length = 8;

__attribute__((noinline)) void copy_words(uintptr_t* dst, int n, uintptr_t value) {
  for (int i = 0; i < n; ++i) dst[i] = value;
}

__attribute__((noinline)) long vulnerable(void) {
  uintptr_t buffer[2];
  copy_words(buffer, copy_length, (uintptr_t)gadget); /* BUG: overwrites the return address */
  return (long)buffer[0];
}

int main(void) {
  print("value", vulnerable());
  return 0;
}
