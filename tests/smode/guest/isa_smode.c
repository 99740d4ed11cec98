/* S-mode without paging: every supervisor CSR (sstatus/sie/sip as views of the M registers,
   stvec, sscratch, sepc, scause, stval, scounteren, senvcfg, satp), medeleg/mideleg delegation
   of exceptions and interrupts, sret and its mstatus stack, and the mstatus traps TSR, TVM and TW.
   Each result is printed and checked against the privileged spec's value. */
#include "smode.h"

static uint64_t stack_u[512] __attribute__((aligned(16)));

/* Prints which handler took the trap since clear_logs() and what it recorded. */
static void report(const char* what, uint64_t want_m, uint64_t want_s, uint64_t want_cause) {
  bare_puts(what);
  bare_puts("\n");
  check("  M traps", m_log.count, want_m);
  check("  S traps", s_log.count, want_s);
  const uint64_t cause = want_s ? s_log.cause : want_m ? m_log.cause : ~0ull;
  check("  cause", cause, want_cause);
  clear_logs();
}

/* --- runs in S-mode ------------------------------------------------------------------------ */

static void s_csrs(uint64_t arg) {
  (void)arg;
  CSR_WRITE(sscratch, 0x123456789abcdef0ull);
  check("sscratch", CSR_READ(sscratch), 0x123456789abcdef0ull);
  CSR_WRITE(sepc, 0x80001236); /* bit 0: QEMU 7.2 keeps it, see isa_traps.c */
  check("sepc", CSR_READ(sepc), 0x80001236);
  CSR_WRITE(scause, 0x8000000000000005ull);
  check("scause", CSR_READ(scause), 0x8000000000000005ull);
  CSR_WRITE(stval, 0xdeadbeef);
  check("stval", CSR_READ(stval), 0xdeadbeef);
  const uint64_t old_stvec = CSR_READ(stvec);
  CSR_WRITE(stvec, 0x80004001);
  check("stvec vectored", CSR_READ(stvec), 0x80004001);
  CSR_WRITE(stvec, 0x80005002);
  check("stvec reserved mode keeps the old one", CSR_READ(stvec) & 3, 1);
  CSR_WRITE(stvec, old_stvec);
  CSR_WRITE(scounteren, 0x5);
  check("scounteren", CSR_READ(scounteren), 0x5);
  CSR_WRITE(scounteren, 0); /* U may not read the counters below */
  check("senvcfg", CSR_READ(senvcfg), 0);
  CSR_WRITE(satp, 0);
  check("satp bare", CSR_READ(satp), 0);
  CSR_WRITE(satp, (1ull << 60) | 0x1234); /* Sv32 on RV64: not a mode, nothing changes */
  check("satp keeps bare on an unsupported mode", CSR_READ(satp), 0);
  /* sstatus: a view of mstatus */
  CSR_SET(sstatus, MSTATUS_SUM | MSTATUS_MXR);
  check("sstatus SUM MXR set", CSR_READ(sstatus) & (MSTATUS_SUM | MSTATUS_MXR),
        MSTATUS_SUM | MSTATUS_MXR);
  CSR_SET(sstatus, MSTATUS_TVM | MSTATUS_MPRV | (3ull << 11)); /* not in the view */
  check("sstatus hides M fields", CSR_READ(sstatus) & (MSTATUS_TVM | (3ull << 11)), 0);
  check("sstatus UXL", (CSR_READ(sstatus) >> 32) & 3, 2);
  /* sie/sip: only what mideleg delegates (SSI and STI here, not SEI) */
  CSR_WRITE(sie, 0x222);
  check("sie shows delegated only", CSR_READ(sie), 0x22);
  CSR_CLEAR(sie, 0x222);
  CSR_SET(sip, 2);
  check("sip SSIP set by S", CSR_READ(sip) & 0x222, 2);
  CSR_CLEAR(sip, 2);
  check("sip SSIP cleared", CSR_READ(sip) & 2, 0);
  s_exit(CSR_READ(sstatus) & (MSTATUS_SUM | MSTATUS_MXR));
}

static void s_traps(uint64_t arg) {
  (void)arg;
  clear_logs();
  p_illegal();
  report("illegal in S, delegated", 0, 1, 2);
  p_ebreak();
  report("ebreak in S, not delegated", 1, 0, 3);
  p_ecall(); /* ecall from S, delegated: S's own handler */
  report("ecall from S, delegated", 0, 1, 9);
  p_mret();
  report("mret in S", 0, 1, 2);
  (void)p_read_mstatus();
  report("csrr mstatus in S", 0, 1, 2);
  /* U-mode: ecall is delegated; an S CSR is illegal there */
  check("U ecall ends the user run with", s_run_user(p_spin_then_ecall, stack_u + 512, 0), 8);
  report("ecall from U, delegated", 0, 1, 8);
  check("U sret", s_run_user(p_sret, stack_u + 512, 0), 2);
  check("  stval holds the bits", s_log.tval, 0x10200073);
  report("sret in U", 0, 1, 2);
  check("U wfi", s_run_user(p_wfi, stack_u + 512, 0), 2);
  report("wfi in U", 0, 1, 2);
  check("U sfence.vma", s_run_user(p_sfence_all, stack_u + 512, 0), 2);
  report("sfence.vma in U", 0, 1, 2);
  check("U csrr sstatus", s_run_user((void (*)(void))p_read_sstatus, stack_u + 512, 0), 2);
  report("sstatus in U", 0, 1, 2);
  check("U rdcycle, scounteren.CY clear", s_run_user((void (*)(void))p_rdcycle, stack_u + 512, 0),
        2);
  report("rdcycle in U", 0, 1, 2);
  /* sret's stack: SIE <- SPIE, SPIE <- 1, SPP <- U; from S back to S here */
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  CSR_SET(sstatus, MSTATUS_SPIE | MSTATUS_SPP);
  __asm__ volatile("la t0, 1f\n csrw sepc, t0\n sret\n1:" ::: "t0", "memory");
  check("after sret SIE SPIE SPP", CSR_READ(sstatus) & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
        MSTATUS_SIE | MSTATUS_SPIE);
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  /* a delegated trap from S: SPP = S, SPIE = the old SIE, SIE cleared */
  CSR_SET(sstatus, MSTATUS_SIE);
  p_illegal();
  check("trap from S: SPP SPIE SIE", s_log.status & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
        MSTATUS_SPP | MSTATUS_SPIE);
  check("  SIE cleared in the handler, sret restores it", CSR_READ(sstatus) & MSTATUS_SIE,
        MSTATUS_SIE);
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  report("illegal with SIE set", 0, 1, 2);
  s_exit(0);
}

/* With TSR, TVM and TW set by M, and illegal instructions not delegated (S's handler could not
   sret under TSR). */
static void s_trapped_by_mstatus(uint64_t arg) {
  (void)arg;
  clear_logs();
  p_sret();
  report("sret with TSR", 1, 0, 2);
  (void)p_read_satp();
  report("satp with TVM", 1, 0, 2);
  p_sfence_all();
  report("sfence.vma with TVM", 1, 0, 2);
  p_wfi();
  report("wfi with TW", 1, 0, 2);
  s_exit(0);
}

static void s_interrupts_test(uint64_t arg) {
  (void)arg;
  clear_logs();
  s_interrupts = 0;
  /* SSIP with SIE clear: pending but not taken */
  CSR_SET(sie, 2);
  CSR_SET(sip, 2);
  check("SSIP pending, SIE clear: not taken", s_interrupts, 0);
  CSR_SET(sstatus, MSTATUS_SIE); /* the CSR write ends the block: taken right after */
  __asm__ volatile("nop");
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  check("SSIP taken once SIE is set", s_interrupts, 1);
  check("  scause", s_log.cause, CAUSE_INTERRUPT | 1);
  check("  SPIE saved", s_log.status & MSTATUS_SPIE, MSTATUS_SPIE);
  clear_logs();
  /* STIP (M set it in mip): in U it is taken whatever SIE says */
  CSR_SET(sie, 0x20);
  check("U run with STIP pending", s_run_user(p_spin_then_ecall, stack_u + 512, 0), 8);
  check("  interrupts taken in S", s_interrupts, 2);
  s_exit(CSR_READ(sip) & 0x222);
}

/* An M-mode interrupt (not delegated) preempts S whatever MIE says. */
static void s_preempted(uint64_t arg) {
  (void)arg;
  __asm__ volatile("nop\n nop\n nop");
  s_exit(m_log.cause);
}

int main(void) {
  CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
  CSR_WRITE(stvec, (uint64_t)s_trap_entry);
  pmp_open_all();
  const uint64_t misa = CSR_READ(misa);
  check("misa has S", (misa >> ('S' - 'A')) & 1, 1);
  check("misa has U", (misa >> ('U' - 'A')) & 1, 1);
  check("mstatus SXL", (CSR_READ(mstatus) >> 34) & 3, 2);
  /* MPP takes S now */
  CSR_CLEAR(mstatus, 3ull << 11);
  CSR_SET(mstatus, 1ull << 11);
  check("MPP=S is kept", (CSR_READ(mstatus) >> 11) & 3, 1);
  CSR_CLEAR(mstatus, 3ull << 11);

  bare_puts("== delegation registers\n");
  CSR_WRITE(medeleg, (1 << 2) | (1 << 8) | (1 << 9));
  check("medeleg", CSR_READ(medeleg), (1 << 2) | (1 << 8) | (1 << 9));
  CSR_WRITE(mideleg, 0x22);
  check("mideleg", CSR_READ(mideleg), 0x22);
  CSR_WRITE(mcounteren, 1);

  bare_puts("== S CSRs\n");
  check("run_s returns SUM|MXR", run_s(s_csrs, 0), MSTATUS_SUM | MSTATUS_MXR);
  check("mstatus sees SUM MXR", CSR_READ(mstatus) & (MSTATUS_SUM | MSTATUS_MXR),
        MSTATUS_SUM | MSTATUS_MXR);
  CSR_CLEAR(mstatus, MSTATUS_SUM | MSTATUS_MXR);
  check("mie took S's sie write", CSR_READ(mie), 0);

  bare_puts("== traps and delegation\n");
  clear_logs();
  run_s(s_traps, 0);
  report("ebreak from S to M ends run_s", 1, 0, 3);
  /* M traps are never delegated */
  CSR_SET(medeleg, 1 << 3);
  p_ebreak();
  report("ebreak in M with medeleg.BP", 1, 0, 3);
  CSR_CLEAR(medeleg, 1 << 3);

  bare_puts("== TSR TVM TW\n");
  CSR_SET(mstatus, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
  CSR_CLEAR(medeleg, 1 << 2);
  run_s(s_trapped_by_mstatus, 0);
  CSR_SET(medeleg, 1 << 2);
  CSR_CLEAR(mstatus, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW);
  clear_logs();

  bare_puts("== interrupts\n");
  CSR_SET(mip, 0x20); /* STIP, set by M software */
  check("mip STIP", CSR_READ(mip) & 0x20, 0x20);
  check("run_s: sip at the end", run_s(s_interrupts_test, 0), 0x20);
  CSR_CLEAR(mip, 0x20);
  /* delegated interrupts pending in M are not taken in M */
  clear_logs();
  CSR_SET(mie, 0x2);
  CSR_SET(mip, 0x2);
  CSR_SET(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop");
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check("SSIP delegated: M takes nothing", m_log.count, 0);
  CSR_CLEAR(mip, 0x2);
  CSR_CLEAR(mie, 0x2);
  /* a machine software interrupt preempts S with MIE clear */
  clear_logs();
  CSR_SET(mie, MIP_MSIP);
  *CLINT_MSIP(0) = 1;
  check("MSI in S goes to M", run_s(s_preempted, 0), CAUSE_INTERRUPT | 3);
  check("  the ebreak ending it came from S (MPP)", (m_log.status >> 11) & 3, 1);
  CSR_CLEAR(mie, MIP_MSIP);
  return isa_failures;
}
