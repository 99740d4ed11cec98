/* Tag violations in a loop: run under --policy rwx --on-violation trap, each store into this
   image's code is a violation delivered to the guest (mcause 24), whose handler skips it. The
   host must neither print a report per violation nor keep them all. */
#include "runtime.h"

enum { kViolations = 100000 };
static volatile uint64_t delivered;

__attribute__((aligned(4), interrupt("machine"))) static void skip_violation(void) {
  uint64_t epc, cause;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  __asm__ volatile("csrr %0, mepc" : "=r"(epc));
  if (cause != 24) bare_exit(3);
  const uint64_t insn = *(volatile uint16_t*)epc;
  __asm__ volatile("csrw mepc, %0" ::"r"(epc + ((insn & 3) == 3 ? 4 : 2)));
  ++delivered;
}

int main(void) {
  __asm__ volatile("csrw mtvec, %0" ::"r"(skip_violation));
  const uintptr_t code = (uintptr_t)main;
  for (int i = 0; i < kViolations; ++i) /* one store into code: write-to-code under rwx */
    __asm__ volatile("sw zero, 256(%0)" ::"r"(code) : "memory");
  bare_puts("violations delivered: ");
  bare_put_dec((int64_t)delivered);
  bare_putc('\n');
  return 0;
}
