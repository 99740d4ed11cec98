/* The PLIC as on QEMU virt, driven by the UART's transmitter-empty interrupt (source 10), which
   software can raise without input: priorities and thresholds (0..7: the low 3 bits of a write), pending bits,
   enables and thresholds of an M and an S context, claim and complete, MEIP and SEIP in mip, and
   an external interrupt taken through mtvec. The UART interrupt is on only while nothing is
   printed (printing writes THR, which raises it again), so values are kept and printed after. */
#include "plic.h"

#define MAX_VALUES 48
static const char* names[MAX_VALUES];
static uint64_t got[MAX_VALUES], want[MAX_VALUES];
static unsigned count;

static void keep(const char* what, uint64_t value, uint64_t expected) {
  names[count] = what;
  got[count] = value;
  want[count] = expected;
  ++count;
}

static volatile uint64_t traps, trap_cause, trap_source, trap_iir;

__attribute__((interrupt("machine"), aligned(4))) static void external_handler(void) {
  trap_cause = CSR_READ(mcause);
  trap_source = *PLIC_CLAIM(0);
  trap_iir = *UART_IIR; /* acknowledges the transmitter interrupt */
  *UART_IER = 0;
  *PLIC_CLAIM(0) = (uint32_t)trap_source; /* complete */
  ++traps;
}

/* Any UART register read makes it report its line again, so the PLIC samples it. QEMU 7.2 also
   re-evaluates its outputs after an enable write only then. */
static void resample(void) { (void)*UART_RBR; }

static uint64_t meip_seip(void) { return CSR_READ(mip) & (MIP_MEIP | MIP_SEIP); }

int main(void) {
  CSR_WRITE(mie, 0);
  keep("priority after reset", *PLIC_PRIORITY(UART_IRQ), 0);
  *PLIC_PRIORITY(UART_IRQ) = 3;
  keep("priority 3", *PLIC_PRIORITY(UART_IRQ), 3);
  *PLIC_PRIORITY(UART_IRQ) = 9;
  keep("priority 9 keeps its low 3 bits", *PLIC_PRIORITY(UART_IRQ), 1);
  *PLIC_PRIORITY(UART_IRQ) = 3;
  *PLIC_ENABLE(0, 0) = 1u << UART_IRQ;
  keep("M enable", *PLIC_ENABLE(0, 0), 1u << UART_IRQ);
  *PLIC_THRESHOLD(0) = 9;
  keep("M threshold 9 keeps its low 3 bits", *PLIC_THRESHOLD(0), 1);
  keep("S enable after reset", *PLIC_ENABLE(1, 0), 0);
  keep("nothing pending", *PLIC_PENDING(0), 0);
  keep("claim with nothing pending", *PLIC_CLAIM(0), 0);
  keep("mip MEIP SEIP before", meip_seip(), 0);

  *UART_FCR = 1;
  keep("IIR FIFOs, no interrupt", *UART_IIR, 0xc1);
  *UART_IER = 0x02; /* transmitter empty: raised at once */
  keep("pending bit 10", *PLIC_PENDING(0), 1u << UART_IRQ);
  keep("mip MEIP", meip_seip(), MIP_MEIP);
  keep("claim", *PLIC_CLAIM(0), UART_IRQ);
  keep("pending cleared by claim", *PLIC_PENDING(0), 0);
  keep("mip MEIP off while claimed", meip_seip(), 0);
  keep("claim again while claimed", *PLIC_CLAIM(0), 0);
  keep("IIR transmitter empty", *UART_IIR, 0xc2);
  keep("IIR after reading it", *UART_IIR, 0xc1);
  *PLIC_CLAIM(0) = UART_IRQ; /* complete */
  keep("after complete, line low", meip_seip(), 0);

  *UART_IER = 0; /* toggling the enable raises it again */
  *UART_IER = 0x02;
  keep("raised again", *PLIC_PENDING(0), 1u << UART_IRQ);
  *PLIC_THRESHOLD(0) = 3;
  keep("threshold 3 masks priority 3", meip_seip(), 0);
  *PLIC_THRESHOLD(0) = 2;
  keep("threshold 2 lets it through", meip_seip(), MIP_MEIP);
  *PLIC_ENABLE(0, 0) = 0;
  resample();
  keep("disabled in M context", meip_seip(), 0);
  *PLIC_ENABLE(1, 0) = 1u << UART_IRQ;
  resample();
  keep("S context enabled: SEIP", meip_seip(), MIP_SEIP);
  keep("S claim", *PLIC_CLAIM(1), UART_IRQ);
  keep("SEIP off while claimed", meip_seip(), 0);
  *PLIC_CLAIM(1) = UART_IRQ;
  keep("after complete, until the line is sampled", meip_seip(), 0);
  resample();
  keep("SEIP back: the line is still high", meip_seip(), MIP_SEIP);
  *PLIC_ENABLE(1, 0) = 0;
  *PLIC_PRIORITY(UART_IRQ) = 0;
  *PLIC_ENABLE(0, 0) = 1u << UART_IRQ;
  *PLIC_THRESHOLD(0) = 0;
  resample();
  keep("priority 0 never interrupts", meip_seip(), 0);
  keep("priority 0 never claimed", *PLIC_CLAIM(0), 0);
  *PLIC_PRIORITY(UART_IRQ) = 1;
  *UART_THR = '*';
  keep("writing THR keeps it raised", meip_seip(), MIP_MEIP);

  /* Taken as a trap: the handler claims, acknowledges the UART and completes. */
  CSR_WRITE(mtvec, (uint64_t)external_handler);
  CSR_WRITE(mie, MIP_MEIP);
  CSR_SET(mstatus, MSTATUS_MIE);
  for (int i = 0; i < 1000 && traps == 0; ++i) __asm__ volatile("nop");
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  CSR_WRITE(mie, 0);
  keep("traps taken", traps, 1);
  keep("mcause", trap_cause, CAUSE_INTERRUPT | 11);
  keep("claimed in handler", trap_source, UART_IRQ);
  keep("IIR in handler", trap_iir, 0xc2);
  keep("quiet after the handler", meip_seip(), 0);
  *UART_IER = 0;
  *UART_FCR = 0;

  bare_puts("\n"); /* ends the line of the star written to THR above */
  for (unsigned i = 0; i < count; ++i) check(names[i], got[i], want[i]);
  return isa_failures;
}
