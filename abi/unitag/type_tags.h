/* Type tags for dynamic-language values (the `types` policy, docs/tag-isa.md, docs/types.md):
 * the custom-0 types family (funct7 = 1) as guest code uses it. A value's type lives in its
 * register's and memory word's tag, not in its bits; typed ALU forms check both operands' types
 * in the tag rule and leave an untyped result on a miss, which the guest tests and falls back.
 *   0  tag.settype rd, rs1, rs2   rd = rs1, typed rs2 (0..15; 0 = untyped)
 *   1  tag.typeof  rd, rs1, x0    rd = the type tag of register rs1 (0 = untyped)
 *   2  tag.tadd    rd, rs1, rs2   rd = rs1 + rs2; typed int when both are int, else untyped
 *   3  tag.tsub    rd, rs1, rs2   rd = rs1 - rs2; likewise
 *   4  tag.tlt     rd, rs1, rs2   rd = (signed) rs1 < rs2; likewise
 * Execute them only when unitag_bootinfo.policies has UNITAG_POLICY_TYPES: elsewhere types are
 * not kept (tag.typeof reads 0), and on QEMU they are illegal instructions. */
#ifndef UNITAG_ABI_TYPE_TAGS_H
#define UNITAG_ABI_TYPE_TAGS_H

#include <stdint.h>

#define UNITAG_TYPE_NONE 0u
#define UNITAG_TYPE_INT 1u /* the one type the typed ALU forms check for */
#define UNITAG_TYPE_MAX 15u

static inline uint64_t unitag_settype(uint64_t v, uint64_t type) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 0, 1, %0, %1, %2" : "=r"(r) : "r"(v), "r"(type));
  return r;
}
static inline uint64_t unitag_typeof(uint64_t v) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 1, 1, %0, %1, x0" : "=r"(r) : "r"(v));
  return r;
}
static inline uint64_t unitag_tadd(uint64_t a, uint64_t b) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 2, 1, %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
static inline uint64_t unitag_tsub(uint64_t a, uint64_t b) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 3, 1, %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
static inline uint64_t unitag_tlt(uint64_t a, uint64_t b) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 4, 1, %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

#endif
