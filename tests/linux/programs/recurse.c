/* Recurses without end: the 8 MiB stack runs out and the program dies of SIGSEGV (exit 139 as a
   shell reports it), on Linux as on the library OS. */
#include <stdio.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline)) static unsigned long depth(unsigned long n) {
  volatile char frame[256];
  frame[n % sizeof frame] = (char)n;
  return depth(n + 1) + frame[(n * 7) % sizeof frame];
}

int main(void) {
  puts("recursing without end");
  fflush(stdout);
  return (int)depth(0);
}
