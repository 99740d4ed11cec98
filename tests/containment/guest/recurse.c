/* Recurses without end. A bare-metal image has no guard page: the stack grows down through the
   image (over its own code) until something faults; the run must still end with a report. */
#include "runtime.h"

#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline)) static uint64_t depth(uint64_t n) {
  volatile uint64_t frame[4] = {n, n + 1, n + 2, n + 3};
  return depth(n + 1) + frame[1];
}

int main(void) { return (int)depth(0); }
