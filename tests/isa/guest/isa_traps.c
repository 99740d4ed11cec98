/* Every synchronous trap cause of an M+U machine (S-mode has its own tests in tests/smode), with mcause/mepc/mtval as the handler saw them
   (mepc and address-valued mtval printed relative to a symbol, so the output does not depend on
   the link layout), in direct and vectored mtvec modes; U-mode entered through mret, with PMP
   entries (NAPOT, NA4, TOR) granting and denying access; CSR side effects (mstatus WARL MPP,
   mret's MIE/MPIE/MPP, misa, mhartid, mscratch, mcycle/minstret, mtvec/mepc WARL, mcounteren,
   PMP lock). Run on QEMU with -cpu rv64,h=off,v=off,... (an M+S+U machine, as unitag's).
   Built twice: isa_traps runs on unitag and QEMU; isa_traps_strict (SPEC_STRICT) adds checks
   where QEMU 7.2 departs from the privileged specification, and runs on unitag only:
   - AMO access faults and misaligned AMOs must raise the store/AMO causes (7, 6); QEMU 7.2
     raises the load causes (5, 4);
   - mstatus.MPP is WARL: with no H-mode, writing 2 must not read back; QEMU keeps it;
   - mepc[0] reads as zero; QEMU 7.2 returns the written bit. */
#include "isa_support.h"

#define UNMAPPED 0x90000000ull /* above 128 MiB of RAM: nothing is there on either machine */

typedef void (*probe_fn)(uint64_t, uint64_t);
#define PROBES(X)                                                                             \
  X(m_illegal_slliw) X(m_illegal_load) X(m_illegal_c) X(m_illegal_csr_ro) X(m_ebreak)         \
  X(m_c_ebreak) X(m_ecall) X(m_load_fault) X(m_store_fault) X(m_lw_fault_offset)              \
  X(m_amo_fault) X(m_lr_fault) X(m_amo_w_misaligned) X(m_amo_d_misaligned)                    \
  X(m_lr_w_misaligned) X(m_lr_d_misaligned) X(m_fetch_fault) X(m_fetch_fault_link) X(u_ecall) \
  X(u_ebreak) X(u_load) X(u_lw) X(u_store) X(u_jump) X(u_csr_mstatus) X(u_csr_mscratch_write) \
  X(u_mret) X(u_wfi) X(u_rdcycle) X(u_rdinstret) X(u_amo)
#define X(n) void n(uint64_t, uint64_t);
PROBES(X)
#undef X


static void put_rel(const char* label, uint64_t v, uint64_t base) {
  bare_puts(label);
  if (base && v >= base && v - base < 0x10000) {
    bare_putc('+');
    bare_put_dec((int64_t)(v - base));
  } else {
    bare_put_hex(v);
  }
}

/* Prints the trap that the last action took and checks cause and tval. */
static void report(const char* name, uint64_t epc_base, uint64_t tval_base, uint64_t want_cause,
                   uint64_t want_tval, uint64_t before) {
  volatile struct trap_record* r = &trap_log[0];
  bare_puts(name);
  if (r->count == before) {
    bare_puts(": no trap MISMATCH\n");
    isa_failures++;
    return;
  }
  bare_puts(": mcause=");
  bare_put_dec((int64_t)r->cause);
  put_rel(" mepc=", r->epc, epc_base);
  put_rel(" mtval=", r->tval, tval_base);
  if (r->vector != ~0ull) {
    bare_puts(" vector=");
    bare_put_dec((int64_t)r->vector);
  }
  if (r->cause != want_cause || r->tval != want_tval) {
    bare_puts(" MISMATCH, want mcause=");
    bare_put_dec((int64_t)want_cause);
    bare_puts(" mtval=");
    bare_put_hex(want_tval);
    isa_failures++;
  }
  bare_putc('\n');
}

static void m_probe(const char* name, probe_fn fn, uint64_t a0, uint64_t tval_base,
                    uint64_t want_cause, uint64_t want_tval) {
  const uint64_t before = trap_log[0].count;
  fn(a0, 0);
  report(name, (uint64_t)fn, tval_base, want_cause, want_tval, before);
}

/* --- U-mode and PMP ------------------------------------------------------------------------ */
static uint64_t user_stack[512] __attribute__((aligned(16)));
static uint64_t ro_page[512] __attribute__((aligned(4096)));    /* NAPOT, R */
static uint64_t none_page[512] __attribute__((aligned(4096)));  /* NA4 word 0 = R, rest none */
static uint32_t nx_page[1024] __attribute__((aligned(4096)));   /* NAPOT, RW, no X */
extern char _end[];

#define PMP_R 1
#define PMP_W 2
#define PMP_X 4
#define PMP_TOR (1 << 3)
#define PMP_NA4 (2 << 3)
#define PMP_NAPOT (3 << 3)
#define PMP_L 0x80

static uint64_t napot(void* base, uint64_t size) { return ((uint64_t)base >> 2) | ((size >> 3) - 1); }

static void setup_pmp(void) {
  /* 0: NA4 on none_page[0] (R)   1: NAPOT none_page (none)   2: NAPOT ro_page (R)
     3: NAPOT nx_page (RW)        4: OFF, base of 5            5: TOR [RAM, _end) (RWX) */
  CSR_WRITE(pmpaddr0, (uint64_t)none_page >> 2);
  CSR_WRITE(pmpaddr1, napot(none_page, 4096));
  CSR_WRITE(pmpaddr2, napot(ro_page, 4096));
  CSR_WRITE(pmpaddr3, napot(nx_page, 4096));
  CSR_WRITE(pmpaddr4, 0x80000000ull >> 2);
  CSR_WRITE(pmpaddr5, (((uint64_t)_end + 4095) & ~4095ull) >> 2);
  const uint64_t cfg = (uint64_t)(PMP_NA4 | PMP_R) | (uint64_t)PMP_NAPOT << 8 |
                       (uint64_t)(PMP_NAPOT | PMP_R) << 16 |
                       (uint64_t)(PMP_NAPOT | PMP_R | PMP_W) << 24 | 0ull << 32 |
                       (uint64_t)(PMP_TOR | PMP_R | PMP_W | PMP_X) << 40;
  CSR_WRITE(pmpcfg0, cfg);
  check("pmpcfg0 read back", CSR_READ(pmpcfg0), cfg);
  check("pmpaddr1 read back", CSR_READ(pmpaddr1), napot(none_page, 4096));
}

static void u_probe(const char* name, void (*fn)(uint64_t, uint64_t), uint64_t arg,
                    uint64_t tval_base, uint64_t want_cause, uint64_t want_tval) {
  const uint64_t before = trap_log[0].count;
  const uint64_t r = run_user((void (*)(void))fn, &user_stack[512], arg);
  /* a fetch fault's mepc is the target, not a place in fn */
  const uint64_t epc_base = want_cause == 1 ? tval_base : (uint64_t)fn;
  report(name, epc_base, tval_base, want_cause, want_tval, before);
  if (r != want_cause) {
    bare_puts("  run_user returned ");
    bare_put_hex(r);
    bare_puts(" MISMATCH\n");
    isa_failures++;
  }
}

static void u_value(const char* name, void (*fn)(uint64_t, uint64_t), uint64_t arg, uint64_t want) {
  const uint64_t r = run_user((void (*)(void))fn, &user_stack[512], arg);
  check(name, r, want);
}

static uint64_t mstatus_bits(void) { return CSR_READ(mstatus) & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP); }

extern void mret_landing(void);
/* mret to the next instruction with the given MPIE/MPP; returns mstatus bits after it */
static uint64_t do_mret(uint64_t mpie, uint64_t mpp) {
  CSR_CLEAR(mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
  CSR_SET(mstatus, (mpie ? MSTATUS_MPIE : 0) | (mpp << 11));
  __asm__ volatile(
      "la t0, 1f\n"
      "csrw mepc, t0\n"
      "mret\n"
      "1:\n" ::: "t0", "memory");
  const uint64_t bits = mstatus_bits();
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  return bits;
}

static void csr_tests(void) {
  bare_puts("== CSRs\n");
  const uint64_t misa = CSR_READ(misa);
  check("misa MXL", misa >> 62, 2);
  const uint64_t imacu = (1 << ('I' - 'A')) | (1 << ('M' - 'A')) | (1 << ('A' - 'A')) |
                        (1 << ('C' - 'A')) | (1 << ('U' - 'A'));
  check("misa has IMACU", misa & imacu, imacu);
  check("misa has S", misa & (1 << ('S' - 'A')), 1 << ('S' - 'A'));
  put_hex_line("misa extensions", misa & 0x3ffffff);
  check("mhartid", CSR_READ(mhartid), 0);
  check("mvendorid", CSR_READ(mvendorid), 0);
  /* mscratch through every Zicsr form */
  uint64_t old;
  CSR_WRITE(mscratch, 0x1234);
  __asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old) : "r"(0xf0f0ull));
  check("csrrw old", old, 0x1234);
  __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0x000full));
  check("csrrs old", old, 0xf0f0);
  __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0x00f0ull));
  check("csrrc old", old, 0xf0ff);
  __asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
  check("csrrwi old", old, 0xf00f);
  __asm__ volatile("csrrsi %0, mscratch, 0x20 >> 1" : "=r"(old));
  check("csrrsi old", old, 31);
  __asm__ volatile("csrrci %0, mscratch, 1" : "=r"(old));
  check("csrrci old", old, 31);
  check("mscratch", CSR_READ(mscratch), 30);
  /* mstatus.MPP is WARL: M (3), S (1) and U (0) exist */
  CSR_SET(mstatus, MSTATUS_MPP);
  check("MPP=3", (CSR_READ(mstatus) >> 11) & 3, 3);
  CSR_CLEAR(mstatus, MSTATUS_MPP);
  check("MPP=0", (CSR_READ(mstatus) >> 11) & 3, 0);
#ifdef SPEC_STRICT
  CSR_SET(mstatus, MSTATUS_MPP);
  CSR_CLEAR(mstatus, 1ull << 11);
  check("MPP write 2 (H) is not kept", (CSR_READ(mstatus) >> 11) & 3, 3);
  CSR_CLEAR(mstatus, MSTATUS_MPP);
#endif
  /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U */
  check("mret MPIE=1 MPP=M -> MIE=1 MPIE=1 MPP=U", do_mret(1, 3), MSTATUS_MIE | MSTATUS_MPIE);
  check("mret MPIE=0 MPP=M -> MIE=0 MPIE=1 MPP=U", do_mret(0, 3), MSTATUS_MPIE);
  /* counters advance */
  const uint64_t c0 = CSR_READ(mcycle), i0 = CSR_READ(minstret);
  for (volatile int k = 0; k < 100; ++k) {
  }
  const uint64_t c1 = CSR_READ(mcycle), i1 = CSR_READ(minstret);
  check("mcycle advanced", c1 > c0, 1);
  check("minstret advanced by at least 100", i1 - i0 >= 100, 1);
  check("cycle == mcycle view advances", CSR_READ(cycle) > c1, 1);
  /* mtvec: modes 2 and 3 are reserved (WARL keeps the old mode) */
  const uint64_t tvec = CSR_READ(mtvec);
  CSR_WRITE(mtvec, (tvec & ~3ull) | 2);
  check("mtvec mode 2 ignored", CSR_READ(mtvec) & 3, tvec & 3);
  CSR_WRITE(mtvec, tvec);
  /* mepc bit 0 reads as zero with C */
#ifdef SPEC_STRICT
  CSR_WRITE(mepc, 0x80001235);
  check("mepc bit 0", CSR_READ(mepc), 0x80001234);
#endif
  CSR_WRITE(mepc, 0x80001236);
  check("mepc", CSR_READ(mepc), 0x80001236);
  CSR_WRITE(mcause, 5);
  check("mcause", CSR_READ(mcause), 5);
  CSR_WRITE(mtval, 0xabc);
  check("mtval", CSR_READ(mtval), 0xabc);
  /* mie: the machine-level software, timer and external enables are writable */
  CSR_WRITE(mie, MIP_MSIP | MIP_MTIP);
  check("mie", CSR_READ(mie), MIP_MSIP | MIP_MTIP);
  CSR_WRITE(mie, 0);
}

static void m_traps(uint64_t expect_vector) {
  (void)expect_vector;
  const uint64_t ram = 0x80000000ull;
  m_probe("illegal slliw shamt 32", m_illegal_slliw, 0, 0, 2, 0x0205151b);
  m_probe("illegal load funct3=7", m_illegal_load, 0, 0, 2, 0x00007503);
  m_probe("illegal c.illegal", m_illegal_c, 0, 0, 2, 0);
  m_probe("illegal csrw mhartid", m_illegal_csr_ro, 0, 0, 2, 0xf1451073);
  m_probe("ebreak", m_ebreak, 0, 0, 3, 0);
  m_probe("c.ebreak", m_c_ebreak, 0, 0, 3, 0);
  m_probe("ecall from M", m_ecall, 0, 0, 11, 0);
  m_probe("load access fault", m_load_fault, UNMAPPED, UNMAPPED, 5, UNMAPPED);
  m_probe("store access fault", m_store_fault, UNMAPPED, UNMAPPED, 7, UNMAPPED);
  m_probe("lw access fault +12", m_lw_fault_offset, UNMAPPED, UNMAPPED, 5, UNMAPPED + 12);
#ifdef SPEC_STRICT
  m_probe("amoadd.d access fault", m_amo_fault, UNMAPPED, UNMAPPED, 7, UNMAPPED);
#endif
  m_probe("lr.d access fault", m_lr_fault, UNMAPPED, UNMAPPED, 5, UNMAPPED);
  static uint64_t amo_buf[4];
  const uint64_t b = (uint64_t)amo_buf;
#ifdef SPEC_STRICT
  m_probe("amoadd.w misaligned", m_amo_w_misaligned, b + 2, b, 6, b + 2);
  m_probe("amoswap.d misaligned", m_amo_d_misaligned, b + 4, b, 6, b + 4);
#endif
  m_probe("lr.w misaligned", m_lr_w_misaligned, b + 1, b, 4, b + 1);
  m_probe("lr.d misaligned", m_lr_d_misaligned, b + 12, b, 4, b + 12);
  m_probe("fetch access fault", m_fetch_fault, UNMAPPED, UNMAPPED, 1, UNMAPPED);
  m_probe("fetch access fault via jalr", m_fetch_fault_link, UNMAPPED + 0x40, UNMAPPED, 1,
          UNMAPPED + 0x40);
  (void)ram;
}

static void trap_mstatus_test(void) {
  /* a trap saves MIE into MPIE, clears MIE and records the previous privilege in MPP; mret
     restores MIE (mie = 0, so no interrupt can be taken meanwhile) */
  CSR_WRITE(mie, 0);
  CSR_SET(mstatus, MSTATUS_MIE);
  const uint64_t before = trap_log[0].count;
  m_ecall(0, 0);
  check("trap taken", trap_log[0].count - before, 1);
  check("in handler: MIE=0 MPIE=1 MPP=M",
         trap_log[0].mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP),
         MSTATUS_MPIE | MSTATUS_MPP);
  check("after mret: MIE=1", CSR_READ(mstatus) & MSTATUS_MIE, MSTATUS_MIE);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
}

static void user_tests(void) {
  bare_puts("== U-mode with PMP\n");
  setup_pmp();
  ro_page[3] = 0x5151515151515151ull;
  /* M-mode stores word by word: an 8-byte store would only partly match the NA4 entry, which
     fails even in M-mode (unitag's M-mode fast path does not model that partial-match rule) */
  ((volatile uint32_t*)none_page)[0] = 1;
  ((volatile uint32_t*)none_page)[1] = 2;
  const uint64_t ro = (uint64_t)&ro_page[3], none = (uint64_t)none_page;
  const uint64_t nx = (uint64_t)&nx_page[16];
  nx_page[16] = 0x00008067; /* ret */
  u_probe("ecall from U", u_ecall, 0, 0, 8, 0);
  check("  MPP after trap from U", (trap_log[0].mstatus >> 11) & 3, 0);
  u_probe("ebreak from U", u_ebreak, 0, 0, 3, 0);
  u_value("U load from R page", u_load, ro, 0x5151515151515151ull);
  u_probe("U store to R page", u_store, ro, (uint64_t)ro_page, 7, ro);
  u_probe("U amo to R page", u_amo, ro, (uint64_t)ro_page, 7, ro);
  u_value("U lw from NA4 R word", u_lw, none, 1);
  u_probe("U lw past NA4 word", u_lw, none + 4, none, 5, none + 4);
  u_probe("U ld straddling NA4", u_load, none, none, 5, none);
  u_probe("U load from no-access page", u_load, none + 64, none, 5, none + 64);
  u_probe("U jump to RW (no X) page", u_jump, nx, (uint64_t)nx_page, 1, nx);
  u_probe("U load outside every PMP entry", u_load, 0x87f00000ull, 0x87f00000ull, 5,
          0x87f00000ull);
  u_probe("U store to UART (no PMP entry)", u_store, 0x10000000ull, 0x10000000ull, 7,
          0x10000000ull);
  u_probe("U csrr mstatus", u_csr_mstatus, 0, 0, 2, 0x300022f3);
  u_probe("U csrw mscratch", u_csr_mscratch_write, 0, 0, 2, 0x34029073);
  u_probe("U mret", u_mret, 0, 0, 2, 0x30200073);
  CSR_SET(mstatus, 1ull << 21); /* TW: wfi in U traps */
  u_probe("U wfi with TW", u_wfi, 0, 0, 2, 0x10500073);
  CSR_CLEAR(mstatus, 1ull << 21);
  CSR_WRITE(mcounteren, 0);
  u_probe("U rdcycle, mcounteren=0", u_rdcycle, 0, 0, 2, 0xc00022f3);
  CSR_WRITE(mcounteren, 5); /* CY and IR */
  CSR_WRITE(scounteren, 5); /* with S-mode, U-mode needs both */
  u_value("U rdcycle, mcounteren.CY=1", u_rdcycle, 0, 1);
  u_value("U rdinstret, mcounteren.IR=1", u_rdinstret, 0, 1);
  CSR_WRITE(mcounteren, 0);
  /* M-mode ignores PMP entries that are not locked */
  none_page[8] = 77;
  check("M reads no-access page", none_page[8], 77);
  CSR_WRITE(pmpcfg0, 0);
}

static void lock_test(void) {
  bare_puts("== locked PMP entry binds M-mode\n");
  static uint64_t locked_page[512] __attribute__((aligned(4096)));
  locked_page[0] = 99;
  CSR_WRITE(pmpaddr7, napot(locked_page, 4096));
  const uint64_t cfg7 = (uint64_t)(PMP_NAPOT | PMP_R | PMP_L) << 56;
  CSR_WRITE(pmpcfg0, cfg7);
  check("locked cfg", CSR_READ(pmpcfg0), cfg7);
  CSR_WRITE(pmpcfg0, 0);
  check("locked cfg ignores writes", CSR_READ(pmpcfg0), cfg7);
  CSR_WRITE(pmpaddr7, 0);
  check("locked addr ignores writes", CSR_READ(pmpaddr7), napot(locked_page, 4096));
  check("M reads locked R page", locked_page[0], 99);
  m_probe("M store to locked R page", m_store_fault, (uint64_t)&locked_page[1],
          (uint64_t)locked_page, 7, (uint64_t)&locked_page[1]);
  check("locked page unchanged", locked_page[1], 0);
}

int main(void) {
  install_trap_handler(0);
  bare_puts("== M-mode traps, direct mtvec\n");
  m_traps(~0ull);
  trap_mstatus_test();
  install_trap_handler(1);
  bare_puts("== M-mode traps, vectored mtvec (exceptions use slot 0)\n");
  m_probe("illegal (vectored)", m_illegal_load, 0, 0, 2, 0x00007503);
  m_probe("ecall from M (vectored)", m_ecall, 0, 0, 11, 0);
  user_tests();
  install_trap_handler(0);
  csr_tests();
  lock_test();
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
