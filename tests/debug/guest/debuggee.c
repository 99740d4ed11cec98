/* Stepped through by gdb in tests/debug (gdb_session.py): a breakpoint on accumulate(), its
   argument and locals, a global a watchpoint follows, and a normal exit after detach. */
#include "runtime.h"

int counter = 0; /* bumped once per loop iteration: the watchpoint target */

int square(int v) { return v * v; }

int accumulate(int n) {
  int total = 0;
  for (int i = 1; i <= n; ++i) {
    total += square(i);
    counter++;
  }
  return total;
}

int main(void) {
  int result = accumulate(5);
  bare_puts("result ");
  bare_put_dec(result);
  bare_puts(" counter ");
  bare_put_dec(counter);
  bare_puts("\n");
  return result == 55 ? 0 : 1;
}
