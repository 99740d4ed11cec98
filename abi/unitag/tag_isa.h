/* The tag ISA extension (custom-0 opcode space, 0x0b), as guest code uses it.
 * R-type encoding, funct7 = 0, funct3 selects the operation:
 *   0  tag.alloc rd, rs1, rs2   colour [rs1, rs1+rs2) as one new live allocation; rd = rs1,
 *                               and rd's register tag becomes the pointer colour
 *   1  tag.free  x0, rs1, rs2   mark [rs1, rs1+rs2) freed; rs1 must start a live allocation
 *   2  tag.get   rd, rs1, x0    rd = the tag handle of the memory word at rs1 (0 = untagged)
 *   3  tag.bound rd, rs1, rs2   rd = rs1, with bounds narrowed to [rs1, rs1+rs2) (bounds policy);
 *                               needs no authority but the pointer's own: it may only narrow
 * Only code whose instruction tag carries allocator authority may execute alloc/free on a
 * tagged hart; from anywhere else they are a policy violation. On an untagged hart (and with no
 * heap policy) alloc copies rs1 to rd, free does nothing, get returns 0. These encodings are
 * illegal on QEMU: guests execute them only when the boot info's `policies` field is non-zero.
 * The loader family (funct7 = 2):
 *   0  tag.image x0, rs1, rs2   the page at physical rs2 holds the program image's virtual page
 *                               rs1: the engine gives its words their load-time tags (code,
 *                               globals). Machine mode only (illegal below it).
 * Full description: docs/tag-isa.md. */
#ifndef UNITAG_ABI_TAG_ISA_H
#define UNITAG_ABI_TAG_ISA_H

#include <stddef.h>
#include <stdint.h>

#define UNITAG_TAG_OPCODE 0x0b
#define UNITAG_TAG_ALLOC 0
#define UNITAG_TAG_FREE 1
#define UNITAG_TAG_GET 2
#define UNITAG_TAG_BOUND 3

/* The bits of unitag_bootinfo.policies (UNITAG_POLICY_*) are in abi/unitag/bootinfo.h. */

static inline void* unitag_tag_alloc(void* p, size_t n) {
  void* r;
  __asm__ volatile(".insn r 0x0b, 0, 0, %0, %1, %2" : "=r"(r) : "r"(p), "r"(n) : "memory");
  return r;
}

static inline void unitag_tag_free(void* p, size_t n) {
  __asm__ volatile(".insn r 0x0b, 1, 0, x0, %0, %1" : : "r"(p), "r"(n) : "memory");
}

static inline uint64_t unitag_tag_get(const void* p) {
  uint64_t r;
  __asm__ volatile(".insn r 0x0b, 2, 0, %0, %1, x0" : "=r"(r) : "r"(p) : "memory");
  return r;
}

/* A pointer to the sub-object [p, p+n) (one field of a struct) that the bounds policy checks
 * against those bounds only: an overflow from this field into the next is caught. Untagged harts
 * and other policies get p unchanged. A macro, so that reports name the line that narrowed. */
#define unitag_tag_bound(p, n)                             \
  __extension__({                                          \
    void* unitag_bound_;                                   \
    __asm__ volatile(".insn r 0x0b, 3, 0, %0, %1, %2"      \
                     : "=r"(unitag_bound_)                 \
                     : "r"((void*)(p)), "r"((size_t)(n))); \
    unitag_bound_;                                         \
  })

/* A loader (machine mode) has copied a page of a program image to `page`, where the program
 * sees it at virtual address `va`. */
static inline void unitag_tag_image(uint64_t va, const void* page) {
  __asm__ volatile(".insn r 0x0b, 0, 2, x0, %0, %1" : : "r"(va), "r"(page) : "memory");
}

#endif
