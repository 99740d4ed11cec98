/* Benign: setjmp/longjmp out of nested calls, repeatedly. */
#include <setjmp.h>

#include "tags_rt.h"

static jmp_buf env;

__attribute__((noinline)) static void dive(int depth, int target) {
  if (depth >= target) longjmp(env, depth + 1);
  dive(depth + 1, target);
  tags_sink = depth;
}

int main(void) {
  long total = 0;
  for (int i = 0; i < 50; ++i) {
    const int r = setjmp(env);
    if (r == 0) dive(0, i % 10);
    else total += r;
  }
  print("total", total);
  return 0;
}
