/* Leaf functions, one per instruction form in isa_ops.h, plus the jump, upper-immediate and
   fence tests. Assembled with norvc so every instruction keeps its 32-bit base encoding. */
#include "isa_ops.h"

  .text
  .option norvc

.macro ROP name
  .globl op_\name
op_\name:
  \name a0, a0, a1
  ret
.endm
.macro IOP label, insn, imm
  .globl op_\label
op_\label:
  \insn a0, a0, \imm
  ret
.endm
.macro LOP label, insn, imm
  .globl op_\label
op_\label:
  \insn a0, \imm(a0)
  ret
.endm
.macro SOP label, insn, imm
  .globl op_\label
op_\label:
  \insn a1, \imm(a0)
  ret
.endm
.macro BOP name
  .globl br_\name\()_f
br_\name\()_f:
  \name a0, a1, 1f
  li a0, 0
  ret
1:
  li a0, 1
  ret
  .globl br_\name\()_b
br_\name\()_b:
  j 2f
1:
  li a0, 1
  ret
2:
  \name a0, a1, 1b
  li a0, 0
  ret
.endm

#define X(n) ROP n;
R_OPS(X)
#undef X
#define X(l, i, imm) IOP l, i, imm;
I_OPS(X)
#undef X
#define X(l, i, imm) LOP l, i, imm;
LOAD_OPS(X)
#undef X
#define X(l, i, imm) SOP l, i, imm;
STORE_OPS(X)
#undef X
#define X(n) BOP n;
BRANCH_OPS(X)
#undef X

/* Upper immediates: the value lui leaves, and auipc's result minus its own address. */
  .globl up_lui_80000
up_lui_80000:
  lui a0, 0x80000
  ret
  .globl up_lui_7ffff
up_lui_7ffff:
  lui a0, 0x7ffff
  ret
  .globl up_lui_fffff
up_lui_fffff:
  lui a0, 0xfffff
  ret
  .globl up_auipc_12345
up_auipc_12345:
1:
  auipc a0, 0x12345
  la a1, 1b
  sub a0, a0, a1
  ret
  .globl up_auipc_neg
up_auipc_neg:
1:
  auipc a0, 0xfffff
  la a1, 1b
  sub a0, a0, a1
  ret

/* Jumps: each returns the link value minus the address the link must hold (0 when right),
   plus 0x100 * (number of wrong-path instructions executed). */
  .globl jump_jal
jump_jal:
  li a0, 0
  la a1, 1f
  jal t0, 2f
1:
  addi a0, a0, 0x100
2:
  sub t0, t0, a1
  add a0, a0, t0
  ret
  .globl jump_jal_back
jump_jal_back:
  li a0, 0
  j 3f
2:
  sub t0, t0, a1
  add a0, a0, t0
  ret
3:
  la a1, 1f
  jal t0, 2b
1:
  addi a0, a0, 0x100
  ret
  .globl jump_jalr_odd
jump_jalr_odd:           /* target + 1: bit 0 is cleared */
  li a0, 0
  la t1, 2f
  la a1, 1f
  jalr t0, 1(t1)
1:
  addi a0, a0, 0x100
2:
  sub t0, t0, a1
  add a0, a0, t0
  ret
  .globl jump_jalr_same
jump_jalr_same:          /* rd == rs1: the target uses the old value */
  li a0, 0
  la t1, 2f + 8
  la a1, 1f
  jalr t1, -8(t1)
1:
  addi a0, a0, 0x100
2:
  sub t1, t1, a1
  add a0, a0, t1
  ret
  .globl jump_jalr_x0
jump_jalr_x0:            /* rd = x0: no link written, x0 stays 0 */
  la t1, 2f
  jalr x0, 0(t1)
  li a0, 0x100
  ret
2:
  mv a0, x0
  ret
  .globl write_x0
write_x0:                /* writes to x0 are discarded */
  li a0, 5
  addi x0, a0, 1
  lui x0, 0x12345
  add a0, a0, x0
  ret

/* fence and fence.i: a0 = pointer to a code buffer (already written), called after fence.i. */
  .globl run_fences
run_fences:
  fence
  fence rw, rw
  fence r, w
  fence.i
  ret
