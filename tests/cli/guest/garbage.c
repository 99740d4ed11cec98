/* Executes an illegal instruction with no trap handler installed. Built twice: on hart 0, and
   (ON_HART1) on hart 1 while hart 0 spins, so the report must name hart 1. */
#include "runtime.h"

static void execute_garbage(void) { __asm__ volatile(".4byte 0xffffffff"); }

int main(void) {
#ifdef ON_HART1
  for (;;) __asm__ volatile("");
#else
  bare_puts("about to execute garbage\n");
  execute_garbage();
  return 0;
#endif
}

void secondary_main(unsigned long hartid) {
  if (hartid == 1) execute_garbage();
  for (;;) __asm__ volatile("wfi");
}
