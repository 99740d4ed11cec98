/* Every RV64A instruction on one hart: each AMO's returned old value and the new memory value
   (with the sign extension of the .w forms and signed/unsigned min/max), LR/SC success and the
   failure cases (no reservation, reservation used up, other address). Exit code = mismatches. */
#include "isa_support.h"


static volatile uint64_t dword __attribute__((aligned(8)));
static volatile uint32_t word[2] __attribute__((aligned(8)));

#define AMO_D(insn, init, operand, want_new)                                              \
  do {                                                                                  \
    dword = (init);                                                                     \
    uint64_t old_;                                                                      \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old_) : "r"(&dword), "r"((uint64_t)(operand)) : "memory"); \
    check(insn " old", old_, (init));                                                   \
    check(insn " new", dword, (want_new));                                              \
  } while (0)

#define AMO_W(insn, init, operand, want_new)                                              \
  do {                                                                                  \
    word[0] = (uint32_t)(init);                                                         \
    word[1] = 0x5a5a5a5a;                                                               \
    uint64_t old_;                                                                      \
    __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old_) : "r"(&word[0]), "r"((uint64_t)(operand)) : "memory"); \
    check(insn " old", old_, (uint64_t)(int64_t)(int32_t)(uint32_t)(init));             \
    check(insn " new", word[0], (uint32_t)(want_new));                                  \
    if (word[1] != 0x5a5a5a5a) check(insn " neighbour", word[1], 0x5a5a5a5a);          \
  } while (0)

static uint64_t lr_d(volatile uint64_t* p) {
  uint64_t v;
  __asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
  return v;
}
static uint64_t sc_d(volatile uint64_t* p, uint64_t v) {
  uint64_t r;
  __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
  return r;
}
static uint64_t lr_w(volatile uint32_t* p) {
  uint64_t v;
  __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(p) : "memory");
  return v;
}
static uint64_t sc_w(volatile uint32_t* p, uint64_t v) {
  uint64_t r;
  __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
  return r;
}

int main(void) {
  const uint64_t big = 0x8000000000000005ull, small = 0x0000000000000007ull;
  bare_puts("== amo*.d\n");
  AMO_D("amoswap.d", big, small, small);
  AMO_D("amoadd.d", ~0ull, 2, 1);
  AMO_D("amoxor.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xf0f0f0f0f0f0f0f0ull);
  AMO_D("amoand.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0x0f000f000f000f00ull);
  AMO_D("amoor.d", 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xfff0fff0fff0fff0ull);
  AMO_D("amomin.d", big, small, big);
  AMO_D("amomax.d", big, small, small);
  AMO_D("amominu.d", big, small, small);
  AMO_D("amomaxu.d", big, small, big);
  bare_puts("== amo*.w (old value sign-extended, upper word untouched)\n");
  AMO_W("amoswap.w", 0x80000000u, 0xffffffff00000001ull, 1);
  AMO_W("amoadd.w", 0xffffffffu, 2, 1);
  AMO_W("amoxor.w", 0xff00ff00u, 0x0ff00ff0u, 0xf0f0f0f0u);
  AMO_W("amoand.w", 0xff00ff00u, 0x0ff00ff0u, 0x0f000f00u);
  AMO_W("amoor.w", 0xff00ff00u, 0x0ff00ff0u, 0xfff0fff0u);
  AMO_W("amomin.w", 0x80000005u, 7, 0x80000005u);
  AMO_W("amomax.w", 0x80000005u, 7, 7);
  AMO_W("amominu.w", 0x80000005u, 7, 7);
  AMO_W("amomaxu.w", 0x80000005u, 7, 0x80000005u);
  AMO_W("amomin.w", 5, 0x00000001fffffffeull, 0xfffffffeu); /* rs2 upper bits ignored */
  bare_puts("== lr/sc\n");
  dword = 41;
  check("lr.d", lr_d(&dword), 41);
  check("sc.d after lr.d", sc_d(&dword, 42), 0);
  check("sc.d stored", dword, 42);
  check("sc.d again (reservation used)", sc_d(&dword, 43) != 0, 1);
  check("sc.d failed leaves memory", dword, 42);
  word[0] = 0x80000000u;
  word[1] = 1;
  check("lr.w sext", lr_w(&word[0]), 0xffffffff80000000ull);
  check("sc.w other address", sc_w(&word[1], 9) != 0, 1);
  check("sc.w other address leaves memory", word[1], 1);
  check("lr.w", lr_w(&word[1]), 1);
  check("sc.w after lr.w", sc_w(&word[1], 0xffffffff00000002ull), 0);
  check("sc.w stored low word", word[1], 2);
  check("sc.w neighbour", word[0], 0x80000000u);
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
