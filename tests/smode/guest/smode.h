/* Support for the S-mode and Sv39 guest tests: M- and S-mode trap logs, entering S from M and U
   from S, and one-instruction probes (smode_trap.S). Works the same on unitag and on
   qemu-system-riscv64 -machine virt -bios none. */
#pragma once
#include <stdint.h>

#include "isa_support.h"

struct trap_log_entry {
  uint64_t cause, epc, tval, count, status;
};
extern volatile struct trap_log_entry m_log, s_log;
extern volatile uint64_t s_interrupts; /* supervisor interrupts the S handler took */

void m_trap_entry(void);
void s_trap_entry(void);
uint64_t run_s(void (*fn)(uint64_t), uint64_t arg);
void s_exit(uint64_t value) __attribute__((noreturn));
uint64_t s_run_user(void (*fn)(void), void* sp, uint64_t arg);

void p_sret(void), p_mret(void), p_wfi(void), p_ecall(void), p_ebreak(void), p_illegal(void);
void p_sfence_all(void), p_sfence_addr(uint64_t), p_sfence_asid(uint64_t);
uint64_t p_read_satp(void), p_read_mstatus(void), p_read_sstatus(void), p_rdcycle(void);
uint64_t p_load(uint64_t addr);
void p_store(uint64_t addr, uint64_t value);
void p_jump(uint64_t target);
uint64_t p_amoadd(uint64_t addr, uint64_t addend);
uint64_t p_lr(uint64_t addr);
uint64_t p_lrsc(uint64_t addr, uint64_t value);
void p_spin_then_ecall(void), u_load_then_ecall(void);
uint64_t p_mprv_load(uint64_t addr, uint64_t mpp_bits);
void p_mprv_store(uint64_t addr, uint64_t mpp_bits, uint64_t value);

#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_TVM (1ull << 20)
#define MSTATUS_TW (1ull << 21)
#define MSTATUS_TSR (1ull << 22)

/* S and U need a PMP entry to reach memory: one NAPOT entry over everything, RWX. */
static inline void pmp_open_all(void) {
  CSR_WRITE(pmpaddr0, ~0ull >> 10);
  CSR_WRITE(pmpcfg0, 0x1f);
}

/* Which handler took the last trap and what it saw, then forget it: "S cause 0x.. tval 0x..". */
static inline void clear_logs(void) {
  m_log.count = 0;
  s_log.count = 0;
  m_log.cause = s_log.cause = ~0ull;
}
