/* Fills RAM from the end of the image upwards until a store faults past the end of RAM.
   Without HANDLE_FAULT there is no trap handler and unitag must stop cleanly; with it, the
   guest's own handler reports where memory ran out and exits with code 3. */
#include "runtime.h"

extern char _end[];

#ifdef HANDLE_FAULT
__attribute__((aligned(4), noreturn)) static void out_of_memory(void) {
  uint64_t cause, addr;
  __asm__ volatile("csrr %0, mcause" : "=r"(cause));
  __asm__ volatile("csrr %0, mtval" : "=r"(addr));
  bare_puts("out of memory at ");
  bare_put_hex(addr);
  bare_puts(" (mcause ");
  bare_put_dec((int64_t)cause);
  bare_puts(")\n");
  bare_exit(3);
}
#endif

int main(void) {
#ifdef HANDLE_FAULT
  __asm__ volatile("csrw mtvec, %0" ::"r"(out_of_memory));
#endif
  for (volatile uint64_t* p = (volatile uint64_t*)(((uintptr_t)_end + 7) & ~(uintptr_t)7);; ++p)
    *p = (uint64_t)(uintptr_t)p;
}
