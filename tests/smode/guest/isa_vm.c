/* Sv39 paging: page walks through gigapages, megapages and 4 KiB pages; the page-fault causes
   12/13/15 with stval for invalid, reserved, non-canonical, misaligned-superpage and permission
   (U, SUM, MXR, R/W/X) cases; hardware A/D updates by loads, stores and AMOs; LR/SC through
   translation; sfence.vma by address (also inside a superpage), by ASID and for all; satp
   switches between address spaces that map one virtual code page to different code; U-mode
   under paging; M-mode with MPRV borrowing S's translation. */
#include "smode.h"

#define PAGE 4096ull
#define PTE_V 1ull
#define PTE_R 2ull
#define PTE_W 4ull
#define PTE_X 8ull
#define PTE_U 16ull
#define PTE_A 64ull
#define PTE_D 128ull
#define VA(i) (0x40000000ull + (i) * PAGE)
#define MEGA_VA 0x40200000ull
#define MISALIGNED_MEGA_VA 0x40400000ull
#define CODE_VA VA(16)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t root2[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l1_alt[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t l0_alt[512] __attribute__((aligned(4096)));
static uint64_t pages[8][512] __attribute__((aligned(4096)));
static uint32_t code1[1024] __attribute__((aligned(4096)));
static uint32_t code2[1024] __attribute__((aligned(4096)));
static uint64_t stack_u[512] __attribute__((aligned(16)));

static uint64_t pte(const void* pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }
static uint64_t satp_for(const uint64_t* table) { return (8ull << 60) | ((uint64_t)table >> 12); }

/* "what": the trap S took since the last call (cause, stval) must be these. */
static void expect_s_fault(const char* what, uint64_t cause, uint64_t tval) {
  bare_puts(what);
  bare_puts("\n");
  check("  S traps", s_log.count, 1);
  check("  scause", s_log.cause, cause);
  check("  stval", s_log.tval, tval);
  clear_logs();
}
/* The same where stval depends on the link layout: printed as whether it matched. */
static void expect_s_fault_at(const char* what, uint64_t cause, uint64_t tval) {
  bare_puts(what);
  bare_puts("\n");
  check("  S traps", s_log.count, 1);
  check("  scause", s_log.cause, cause);
  check("  stval is the address", s_log.tval == tval, 1);
  clear_logs();
}

static void s_walks(uint64_t arg) {
  (void)arg;
  clear_logs();
  bare_puts("== A/D updates\n");
  check("load through a clean page", p_load(VA(0)), 0x1111);
  check("  PTE A, not D", l0[0] & (PTE_A | PTE_D), PTE_A);
  p_store(VA(0), 0x1112);
  check("  store sets D", l0[0] & (PTE_A | PTE_D), PTE_A | PTE_D);
  check("  the page holds it", pages[0][0], 0x1112);
  check("amoadd on an untouched page", p_amoadd(VA(9), 5), 0x2222);
  check("  PTE A and D", l0[9] & (PTE_A | PTE_D), PTE_A | PTE_D);
  check("  the page holds the sum", pages[2][0], 0x2227);

  bare_puts("== page faults\n");
  p_store(VA(1), 1);
  expect_s_fault("store to a read-only page", 15, VA(1));
  check("load from it", p_load(VA(1)), 0x5555);
  (void)p_load(VA(2) + 8);
  expect_s_fault("load from an invalid PTE", 13, VA(2) + 8);
  p_store(VA(2) + 16, 1);
  expect_s_fault("store to an invalid PTE", 15, VA(2) + 16);
  p_jump(VA(2) + 4);
  expect_s_fault("jump to an invalid PTE", 12, VA(2) + 4);
  (void)p_load(VA(3));
  expect_s_fault("load from an execute-only page", 13, VA(3));
  CSR_SET(sstatus, MSTATUS_MXR);
  check("  with MXR", p_load(VA(3)), 0x3333);
  CSR_CLEAR(sstatus, MSTATUS_MXR);
  (void)p_load(VA(4));
  expect_s_fault("S load from a U page without SUM", 13, VA(4));
  CSR_SET(sstatus, MSTATUS_SUM);
  check("  with SUM", p_load(VA(4)), 0x4444);
  p_jump(VA(7) + ((uint64_t)u_load_then_ecall & (PAGE - 1)));
  expect_s_fault_at("S fetch from a U page, even with SUM", 12,
                 VA(7) + ((uint64_t)u_load_then_ecall & (PAGE - 1)));
  CSR_CLEAR(sstatus, MSTATUS_SUM);
  (void)p_load(VA(5));
  expect_s_fault("load from W without R (reserved)", 13, VA(5));
  (void)p_load(0x0000800000000000ull);
  expect_s_fault("non-canonical address", 13, 0x0000800000000000ull);
  check("megapage load", p_load(MEGA_VA + 0x1238), 0x7070);
  (void)p_load(MISALIGNED_MEGA_VA + 8);
  expect_s_fault("misaligned megapage", 13, MISALIGNED_MEGA_VA + 8);
  check("no A/D written on faults", l0[1] & PTE_D, 0);

  bare_puts("== atomics\n");
  check("amoadd.w", p_amoadd(VA(6), 1), 0x6666);
  check("  sum in the page", pages[6][0], 0x6667);
  (void)p_amoadd(VA(1), 1);
  expect_s_fault("amoadd on a read-only page", 15, VA(1));
  (void)p_lr(VA(2));
  expect_s_fault("lr on an invalid PTE", 13, VA(2));
  check("lr/sc succeeds", p_lrsc(VA(6), 0x6600), 0);
  check("  stored", pages[6][0], 0x6600);

  bare_puts("== sfence.vma\n");
  check("before the remap", p_load(VA(6)), 0x6600);
  l0[6] = pte(pages[7], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  p_sfence_addr(VA(6));
  check("sfence.vma by address sees the new page", p_load(VA(6)), 0x7777);
  l0[6] = pte(pages[6], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  p_sfence_all();
  check("sfence.vma for all", p_load(VA(6)), 0x6600);
  l0[6] = pte(pages[7], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  p_sfence_asid(0);
  check("sfence.vma by ASID", p_load(VA(6)), 0x7777);
  check("megapage before the remap", p_load(MEGA_VA + 0x1238), 0x7070);
  l1[1] = pte((void*)0x80400000ull, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  p_sfence_addr(MEGA_VA + 0x100000); /* another 4 KiB page of the same megapage */
  check("megapage flushed by any address inside it", p_load(MEGA_VA + 0x1238), 0x8080);

  bare_puts("== address spaces\n");
  uint64_t (*code)(void) = (uint64_t(*)(void))CODE_VA;
  check("code in address space 1", code(), 1);
  CSR_WRITE(satp, satp_for(root2));
  p_sfence_all();
  check("same address, address space 2", code(), 2);
  CSR_WRITE(satp, satp_for(root));
  p_sfence_all();
  check("back in address space 1", code(), 1);

  bare_puts("== U-mode under paging\n");
  const uint64_t user_code = VA(7) + ((uint64_t)u_load_then_ecall & (PAGE - 1));
  check("U loads a U page", s_run_user((void (*)(void))user_code, stack_u + 512, VA(4)), 8);
  check("U loads an S page", s_run_user((void (*)(void))user_code, stack_u + 512, VA(6)), 13);
  check("  stval", s_log.tval, VA(6));
  const uint64_t s_only_code = VA(8) + ((uint64_t)u_load_then_ecall & (PAGE - 1));
  check("U fetches an S page", s_run_user((void (*)(void))s_only_code, stack_u + 512, VA(4)), 12);
  check("  stval is the address", s_log.tval == s_only_code, 1);
  clear_logs();
  s_exit(0);
}

int main(void) {
  CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
  CSR_WRITE(stvec, (uint64_t)s_trap_entry);
  pmp_open_all();
  CSR_WRITE(medeleg, (1 << 2) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15));

  /* page contents */
  pages[0][0] = 0x1111;
  pages[1][0] = 0x5555;
  pages[2][0] = 0x2222;
  pages[3][0] = 0x3333;
  pages[4][0] = 0x4444;
  pages[6][0] = 0x6666;
  pages[7][0] = 0x7777;
  *(volatile uint64_t*)(0x80201238ull) = 0x7070;
  *(volatile uint64_t*)(0x80401238ull) = 0x8080;
  code1[0] = 0x00100513; /* li a0, 1 */
  code1[1] = 0x00008067; /* ret */
  code2[0] = 0x00200513; /* li a0, 2 */
  code2[1] = 0x00008067;
  __asm__ volatile("fence.i");

  /* address space 1 */
  root[0] = pte(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);                     /* devices */
  root[1] = pte(l1, PTE_V);                                                   /* test pages */
  root[2] = pte((void*)0x80000000ull, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D); /* RAM */
  l1[0] = pte(l0, PTE_V);
  l1[1] = pte((void*)0x80200000ull, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  l1[2] = pte((void*)0x80201000ull, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  l0[0] = pte(pages[0], PTE_V | PTE_R | PTE_W);
  l0[1] = pte(pages[1], PTE_V | PTE_R | PTE_A);
  l0[2] = pte(pages[2], PTE_R | PTE_W | PTE_A | PTE_D); /* V clear */
  l0[3] = pte(pages[3], PTE_V | PTE_X | PTE_A);
  l0[4] = pte(pages[4], PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  l0[5] = pte(pages[5], PTE_V | PTE_W | PTE_A | PTE_D);
  l0[6] = pte(pages[6], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  const void* probe_page = (const void*)((uint64_t)u_load_then_ecall & ~(PAGE - 1));
  l0[7] = pte(probe_page, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
  l0[8] = pte(probe_page, PTE_V | PTE_R | PTE_X | PTE_A);
  l0[9] = pte(pages[2], PTE_V | PTE_R | PTE_W);
  l0[16] = pte(code1, PTE_V | PTE_R | PTE_X | PTE_A);
  /* address space 2: the same but for the code page */
  for (int i = 0; i < 512; ++i) {
    root2[i] = root[i];
    l1_alt[i] = l1[i];
    l0_alt[i] = l0[i];
  }
  root2[1] = pte(l1_alt, PTE_V);
  l1_alt[0] = pte(l0_alt, PTE_V);
  l0_alt[16] = pte(code2, PTE_V | PTE_R | PTE_X | PTE_A);

  CSR_WRITE(satp, satp_for(root));
  __asm__ volatile("sfence.vma" ::: "memory");
  check("satp reads back", CSR_READ(satp) == satp_for(root), 1);
  run_s(s_walks, 0);

  bare_puts("== M-mode with MPRV\n");
  clear_logs();
  check("MPRV, MPP=S: load through S's tables", p_mprv_load(VA(6), 1ull << 11), 0x7777);
  check("MPRV, MPP=M: untranslated", p_mprv_load((uint64_t)&pages[6][0], 3ull << 11), 0x6600);
  (void)p_mprv_load(VA(4), 1ull << 11);
  check("MPRV S load of a U page: M takes it", m_log.cause, 13);
  check("  mtval", m_log.tval, VA(4));
  p_mprv_store(VA(1), 1ull << 11, 9);
  check("MPRV S store to a read-only page", m_log.cause, 15);
  check("  mtval", m_log.tval, VA(1));
  check("M traps", m_log.count, 2);
  check("MPRV is off again", CSR_READ(mstatus) & MSTATUS_MPRV, 0);
  return isa_failures;
}
