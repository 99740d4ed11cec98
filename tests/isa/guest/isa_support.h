/* Support for the ISA guest tests: printing named results, a trap handler that records every
   trap per hart, running a function in U-mode, and CSR/CLINT access. Shared by every image in
   tests/isa/guest; works the same on unitag and on qemu-system-riscv64 -machine virt -bios none. */
#pragma once
#include <stdint.h>

#include "runtime.h"

#define CSR_READ(name)                                  \
  ({                                                    \
    uint64_t v_;                                        \
    __asm__ volatile("csrr %0, " #name : "=r"(v_));     \
    v_;                                                 \
  })
#define CSR_WRITE(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define CSR_SET(name, v) __asm__ volatile("csrs " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define CSR_CLEAR(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"((uint64_t)(v)) : "memory")

#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_MPP (3ull << 11)
#define MIP_MSIP (1ull << 3)
#define MIP_MTIP (1ull << 7)
#define CAUSE_INTERRUPT (1ull << 63)

#define CLINT_MSIP(h) ((volatile uint32_t*)(0x02000000ul + 4ul * (h)))
#define CLINT_MTIMECMP(h) ((volatile uint64_t*)(0x02004000ul + 8ul * (h)))
#define CLINT_MTIME ((volatile uint64_t*)0x0200bff8ul)

/* Variables shared between harts must not live in .bss: hart 0 clears .bss while the other
   harts are already running. */
#define SHARED __attribute__((section(".data")))

#define MAX_HARTS 8

/* --- printing and checking ---------------------------------------------------------------- */
extern int isa_failures; /* checks that did not hold; each image returns it as its exit code */
/* Prints "what 0x...", and " MISMATCH, want 0x..." (counted in isa_failures) when got != want. */
void check(const char* what, uint64_t got, uint64_t want);
void check_dec(const char* what, uint64_t got, uint64_t want); /* the same, in decimal */
void put_hex_line(const char* name, uint64_t v);  /* "name 0x...\n" */
void put_dec_line(const char* name, int64_t v);   /* "name 123\n" */
uint64_t mix(uint64_t h, uint64_t v);             /* order-sensitive 64-bit hash step */
#define HASH_SEED 0xcbf29ce484222325ull

/* --- traps -------------------------------------------------------------------------------- */
struct trap_record {
  uint64_t cause, epc, tval;
  uint64_t vector;   /* vectored-mode slot the trap entered through; ~0 for direct mode */
  uint64_t mstatus;  /* mstatus as the handler saw it */
  uint64_t count;    /* traps taken by this hart */
};
extern volatile struct trap_record trap_log[MAX_HARTS];

/* Installs the handler in direct mode (vectored = 0) or vectored mode (vectored = 1). A
   synchronous exception in M-mode returns to the faulting function's caller (mepc = ra), so a
   test calls a leaf function that traps and carries on. A trap from U-mode ends run_user().
   Interrupts: the timer disarms mtimecmp, the software interrupt clears this hart's msip; one
   that preempts U-mode ends run_user() with its cause. */
void install_trap_handler(int vectored);

/* Runs fn in U-mode on stack `sp` with a2 = arg (mret with MPP=U) until it traps. Returns the
   trap cause; an ecall from U returns a0 instead when a7 == USER_EXIT. */
#define USER_EXIT 93
uint64_t run_user(void (*fn)(void), void* sp, uint64_t arg);

uint64_t hart_id(void);
