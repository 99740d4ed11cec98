/* Machine timer and software interrupts through the CLINT, on 2 harts: delivery in direct and
   vectored mtvec modes, gating by mstatus.MIE and mie, priority (MSI before MTI), wfi waking
   with MIE clear (no trap taken), a timer preempting U-mode, and a software interrupt sent by
   hart 0 to hart 1 and back. Prints only facts that do not depend on timing (no mtime values,
   no mepc of asynchronous traps). Needs 2 harts (unitag --harts 2, QEMU -smp 2). */
#include "isa_support.h"


#define TIMER_DELTA 2000 /* mtime ticks: short on both machines */

static void arm_timer(unsigned hart) { *CLINT_MTIMECMP(hart) = *CLINT_MTIME + TIMER_DELTA; }

/* Sleeps until this hart has taken a trap since `before`. wfi runs with MIE clear (it still
   wakes on a pending enabled interrupt) and MIE opens only between wfis, so an interrupt that
   arrives between the check and the wfi cannot be lost. */
static void wait_for_trap(uint64_t before) {
  const uint64_t hart = hart_id();
  const uint64_t mie_was = CSR_READ(mstatus) & MSTATUS_MIE;
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  while (trap_log[hart].count == before) {
    __asm__ volatile("wfi");
    CSR_SET(mstatus, MSTATUS_MIE);
    CSR_CLEAR(mstatus, MSTATUS_MIE);
  }
  CSR_SET(mstatus, mie_was);
}

static volatile uint64_t go SHARED, hart1_cause SHARED, hart1_vector SHARED, hart1_id SHARED,
    hart1_ready SHARED;

void secondary_main(uint64_t hartid) {
  if (hartid != 1) {
    for (;;) __asm__ volatile("wfi");
  }
  while (!go) {
  }
  install_trap_handler(1);
  *CLINT_MTIMECMP(1) = ~0ull;
  CSR_WRITE(mie, MIP_MSIP);
  CSR_SET(mstatus, MSTATUS_MIE);
  hart1_ready = 1;
  wait_for_trap(0);
  hart1_cause = trap_log[1].cause;
  hart1_vector = trap_log[1].vector;
  hart1_id = CSR_READ(mhartid);
  *CLINT_MSIP(0) = 1; /* answer */
  for (;;) __asm__ volatile("wfi");
}

static void u_spin(void) {
  for (;;) {
  }
}
static uint64_t user_stack[256] __attribute__((aligned(16)));

int main(void) {
  *CLINT_MTIMECMP(0) = ~0ull; /* QEMU resets mtimecmp to 0 */
  CSR_WRITE(mie, 0);
  install_trap_handler(0);
  uint64_t before;

  bare_puts("== timer, direct mode\n");
  CSR_WRITE(mie, MIP_MTIP);
  CSR_SET(mstatus, MSTATUS_MIE);
  before = trap_log[0].count;
  arm_timer(0);
  wait_for_trap(before);
  check("mcause", trap_log[0].cause, CAUSE_INTERRUPT | 7);
  check("vector (direct)", trap_log[0].vector, ~0ull);
  check("taken once", trap_log[0].count - before, 1);
  check("in handler MPIE=1 MIE=0", trap_log[0].mstatus & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);
  check("MIE restored by mret", CSR_READ(mstatus) & MSTATUS_MIE, MSTATUS_MIE);
  check("mip.MTIP clear after disarm", CSR_READ(mip) & MIP_MTIP, 0);

  bare_puts("== timer, vectored mode\n");
  install_trap_handler(1);
  before = trap_log[0].count;
  arm_timer(0);
  wait_for_trap(before);
  check("mcause", trap_log[0].cause, CAUSE_INTERRUPT | 7);
  check("vector", trap_log[0].vector, 7);

  bare_puts("== software interrupt to self, vectored\n");
  CSR_WRITE(mie, MIP_MSIP);
  before = trap_log[0].count;
  *CLINT_MSIP(0) = 1;
  wait_for_trap(before);
  check("mcause", trap_log[0].cause, CAUSE_INTERRUPT | 3);
  check("vector", trap_log[0].vector, 3);
  check("msip cleared by handler", *CLINT_MSIP(0), 0);

  bare_puts("== gating\n");
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  before = trap_log[0].count;
  *CLINT_MSIP(0) = 1;
  for (volatile int i = 0; i < 100; ++i) {
  }
  check("MIE=0: not taken", trap_log[0].count - before, 0);
  check("MIE=0: mip.MSIP pending", CSR_READ(mip) & MIP_MSIP, MIP_MSIP);
  CSR_WRITE(mie, 0);
  CSR_SET(mstatus, MSTATUS_MIE);
  for (volatile int i = 0; i < 100; ++i) {
  }
  check("mie.MSIE=0: not taken", trap_log[0].count - before, 0);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  CSR_WRITE(mie, MIP_MSIP | MIP_MTIP);
  *CLINT_MTIMECMP(0) = 0; /* timer pending now as well */
  while ((CSR_READ(mip) & MIP_MTIP) == 0) {
  }
  CSR_SET(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop");
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check("both pending: taken", trap_log[0].count - before, 2);
  bare_puts("  (the software interrupt first, then the timer)\n");
  check("last taken", trap_log[0].cause, CAUSE_INTERRUPT | 7);

  bare_puts("== wfi wakes with MIE=0 and takes no trap\n");
  CSR_WRITE(mie, MIP_MTIP);
  before = trap_log[0].count;
  arm_timer(0);
  while ((CSR_READ(mip) & MIP_MTIP) == 0) __asm__ volatile("wfi");
  check("mip.MTIP", CSR_READ(mip) & MIP_MTIP, MIP_MTIP);
  check("no trap", trap_log[0].count - before, 0);
  *CLINT_MTIMECMP(0) = ~0ull;

  bare_puts("== timer preempts U-mode (MIE=0 does not mask it there)\n");
  install_trap_handler(0);
  CSR_WRITE(pmpaddr0, ~0ull >> 10); /* NAPOT over everything: U may do anything */
  CSR_WRITE(pmpcfg0, 0x1f);
  arm_timer(0);
  check("run_user ends with", run_user(u_spin, &user_stack[256], 0), CAUSE_INTERRUPT | 7);
  check("MPP=U in handler", (trap_log[0].mstatus >> 11) & 3, 0);
  CSR_WRITE(pmpcfg0, 0);
  CSR_CLEAR(mstatus, MSTATUS_MIE);

  bare_puts("== software interrupt hart 0 -> hart 1 -> hart 0\n");
  install_trap_handler(0);
  CSR_WRITE(mie, MIP_MSIP);
  CSR_SET(mstatus, MSTATUS_MIE);
  before = trap_log[0].count;
  go = 1;
  while (!hart1_ready) {
  }
  *CLINT_MSIP(1) = 1;
  wait_for_trap(before);
  check("hart 1 mcause", hart1_cause, CAUSE_INTERRUPT | 3);
  check("hart 1 vector", hart1_vector, 3);
  check("hart 1 mhartid", hart1_id, 1);
  check("hart 0 answer mcause", trap_log[0].cause, CAUSE_INTERRUPT | 3);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
