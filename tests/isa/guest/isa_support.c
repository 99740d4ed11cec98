#include "isa_support.h"

volatile struct trap_record trap_log[MAX_HARTS] SHARED;

extern char isa_trap_entry[], isa_trap_vector_table[];
void isa_user_return(uint64_t value) __attribute__((noreturn));

void put_hex_line(const char* name, uint64_t v) {
  bare_puts(name);
  bare_putc(' ');
  bare_put_hex(v);
  bare_putc('\n');
}

void put_dec_line(const char* name, int64_t v) {
  bare_puts(name);
  bare_putc(' ');
  bare_put_dec(v);
  bare_putc('\n');
}

uint64_t mix(uint64_t h, uint64_t v) {
  h = (h ^ v) * 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

uint64_t hart_id(void) { return CSR_READ(mhartid); }

void install_trap_handler(int vectored) {
  if (vectored)
    CSR_WRITE(mtvec, (uint64_t)isa_trap_vector_table | 1);
  else
    CSR_WRITE(mtvec, (uint64_t)isa_trap_entry);
}

/* Called by isa_trap_entry with the saved registers (x0..x31) and the vector slot. */
void isa_trap_handler(uint64_t* regs, uint64_t vector) {
  const uint64_t cause = CSR_READ(mcause);
  const uint64_t status = CSR_READ(mstatus);
  volatile struct trap_record* r = &trap_log[hart_id() & (MAX_HARTS - 1)];
  r->cause = cause;
  r->epc = CSR_READ(mepc);
  r->tval = CSR_READ(mtval);
  r->vector = vector;
  r->mstatus = status;
  r->count++;
  if (cause & CAUSE_INTERRUPT) {
    if ((cause & 63) == 7) *CLINT_MTIMECMP(hart_id()) = ~0ull;
    if ((cause & 63) == 3) *CLINT_MSIP(hart_id()) = 0;
    if ((status & MSTATUS_MPP) == 0) isa_user_return(cause); /* preempted U-mode */
    return;
  }
  if ((status & MSTATUS_MPP) == 0) { /* from U-mode: end run_user() */
    if (cause == 8 && regs[17] == USER_EXIT) isa_user_return(regs[10]);
    isa_user_return(cause);
  }
  CSR_WRITE(mepc, regs[1]); /* resume at the trapping leaf function's return address */
}

int isa_failures;

void check(const char* what, uint64_t got, uint64_t want) {
  bare_puts(what);
  bare_putc(' ');
  bare_put_hex(got);
  if (got != want) {
    bare_puts(" MISMATCH, want ");
    bare_put_hex(want);
    isa_failures++;
  }
  bare_putc('\n');
}

void check_dec(const char* what, uint64_t got, uint64_t want) {
  bare_puts(what);
  bare_putc(' ');
  bare_put_dec((int64_t)got);
  if (got != want) {
    bare_puts(" MISMATCH, want ");
    bare_put_dec((int64_t)want);
    isa_failures++;
  }
  bare_putc('\n');
}
