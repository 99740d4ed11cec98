/* UART receive interrupts through the PLIC: the hart sleeps in wfi until a byte arrives on its
   input, claims source 10, reads the byte and completes, and echoes each line it received until
   the line "q". The input comes from the test's stdin, so the run is the same on unitag and QEMU. */
#include "plic.h"

int main(void) {
  CSR_WRITE(mie, 0);
  *PLIC_PRIORITY(UART_IRQ) = 1;
  *PLIC_ENABLE(0, 0) = 1u << UART_IRQ;
  *PLIC_THRESHOLD(0) = 0;
  /* FIFOs stay off: QEMU's FCR write empties its receive FIFO, losing input already there. */
  *UART_IER = 0x01; /* received data available */
  CSR_WRITE(mie, MIP_MEIP);
  char line[64];
  unsigned length = 0, claims = 0, empty_claims = 0;
  for (;;) {
    /* wfi wakes on a pending enabled interrupt even with mstatus.MIE clear; no trap is taken */
    while ((CSR_READ(mip) & MIP_MEIP) == 0) __asm__ volatile("wfi");
    const uint32_t source = *PLIC_CLAIM(0);
    if (source == 0) {
      ++empty_claims;
      continue;
    }
    ++claims;
    int quit = 0;
    while (*UART_LSR & 1) {
      const char c = (char)*UART_RBR;
      if (c == '\n' || length == sizeof line - 1) {
        line[length] = 0;
        bare_puts("line: ");
        bare_puts(line);
        bare_puts("\n");
        if (line[0] == 'q' && line[1] == 0) quit = 1;
        length = 0;
      } else {
        line[length++] = c;
      }
    }
    *PLIC_CLAIM(0) = source;
    if (quit) break;
  }
  *UART_IER = 0;
  check("claimed source was 10 each time", claims > 0 && empty_claims == 0, 1);
  check("IIR after the last byte", *UART_IIR, 0x01);
  return isa_failures;
}
