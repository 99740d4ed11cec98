// A semihosting sequence executed in U-mode is not served: it stays a breakpoint exception for
// the M-mode handler (a kernel), which reports it and exits with 42. A served call would print
// "user wrote this" through SYS_WRITE0 instead.
#include <stdint.h>

#include "runtime.h"

static const char message[] = "user wrote this\n";

__attribute__((aligned(4))) static void trap_handler(void) {
  uint64_t cause;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  bare_puts(cause == 3 ? "breakpoint from U-mode\n" : "unexpected trap\n");
  bare_exit(cause == 3 ? 42 : 1);
}

static void user_code(void) {
  bare_semihost(0x04, message);  // SYS_WRITE0
  bare_puts("call returned in U-mode\n");
  bare_exit(0);
}

int main(void) {
  // Let U-mode reach all memory (PMP entry 0: TOR up to the top of the address space, RWX).
  __asm__ volatile("csrw pmpaddr0, %0" ::"r"(~0ull >> 10));
  __asm__ volatile("csrw pmpcfg0, %0" ::"r"(0x0full));
  __asm__ volatile("csrw mtvec, %0" ::"r"((uintptr_t)trap_handler));
  __asm__ volatile("csrw mepc, %0" ::"r"((uintptr_t)user_code));
  uint64_t mstatus;
  __asm__ volatile("csrr %0, mstatus" : "=r"(mstatus));
  mstatus &= ~(3ull << 11);  // MPP = U
  __asm__ volatile("csrw mstatus, %0\nmret" ::"r"(mstatus));
  return 1;
}
