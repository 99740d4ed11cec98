/* Looks at the UART once (which starts the host reading its input), takes one byte, then
   computes without ever reading again: endless input (--uart-in /dev/zero) must not pile up
   in the host's memory. */
#include "runtime.h"

#define UART_RBR ((volatile uint8_t*)0x10000000)
#define UART_LSR ((volatile uint8_t*)0x10000005)

int main(void) {
  while ((*UART_LSR & 1) == 0) {
  }
  const uint8_t first = *UART_RBR;
  volatile uint64_t sum = first;
  for (uint64_t i = 0; i < 100000000; ++i) sum += i;
  bare_puts("done\n");
  return 0;
}
