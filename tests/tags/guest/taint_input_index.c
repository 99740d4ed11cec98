/* taint attack (sink: address): an index from a declared input buffer selects a table entry
   without a check; with taint:sinks=address the load through the tainted address is caught. */
#include "tags_rt.h"

char request[16] __attribute__((section(".unitag.input"))) = "7";

static long twice(long v) { return 2 * v; }
static long square(long v) { return v * v; }
static long (*const handlers[2])(long) = {twice, square};

__attribute__((noinline)) long dispatch(const char* req, long v) {
  return handlers[req[0] - '0'](v); /* BUG: index from outside, unchecked */
}

int main(void) {
  print("result", dispatch(request, 5));
  return 0;
}
