/* Indirect call to the middle of a function (a corrupted function pointer). */
#include <stdint.h>

#include "tags_rt.h"

__attribute__((noinline)) long handler(long x) {
  tags_sink = (uintptr_t)x;
  return x * 3 + 1;
}

long (*volatile callback)(long) = handler;

int main(void) {
  print("ok", callback(2));
  callback = (long (*)(long))((uintptr_t)handler + 4);
  print("bad", callback(2)); /* BUG: not a function entry */
  return 0;
}
