/* --on-violation=trap: the violation arrives as an exception (mcause 24, mtval = the address);
   the handler reports it and exits with the cause as the exit code. */
#include <stdint.h>
#include <stdlib.h>

#include "tags_rt.h"

__attribute__((aligned(4), interrupt("machine"))) void on_trap(void) {
  uint64_t cause, tval;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  __asm__ volatile("csrr %0, mtval" : "=r"(tval));
  bare_puts("trap: mcause ");
  bare_put_dec((int64_t)cause);
  bare_puts(tval ? " with address\n" : "\n");
  bare_exit((int)cause);
}

int main(void) {
  __asm__ volatile("csrw mtvec, %0" : : "r"((uintptr_t)on_trap));
  long* p = malloc(4 * sizeof(long));
  p[0] = 1;
  tags_sink = (uintptr_t)p[4]; /* reads past the allocation */
  return 0;
}
