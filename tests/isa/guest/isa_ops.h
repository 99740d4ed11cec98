/* The instructions isa_alu exercises, as X-macro lists shared by isa_ops.S (which makes one
   leaf function op_NAME(a0, a1) -> a0 per entry) and isa_alu.c (which calls them). */
#pragma once

/* rd = rs1 OP rs2 */
#define R_OPS(X)                                                                              \
  X(add) X(sub) X(sll) X(slt) X(sltu) X(xor) X(srl) X(sra) X(or) X(and) X(addw) X(subw)       \
  X(sllw) X(srlw) X(sraw) X(mul) X(mulh) X(mulhsu) X(mulhu) X(div) X(divu) X(rem) X(remu)     \
  X(mulw) X(divw) X(divuw) X(remw) X(remuw)

/* rd = rs1 OP imm: (label, instruction, immediate) */
#define I_OPS(X)                                                                              \
  X(addi_0, addi, 0) X(addi_1, addi, 1) X(addi_m1, addi, -1) X(addi_max, addi, 2047)          \
  X(addi_min, addi, -2048) X(slti_0, slti, 0) X(slti_m1, slti, -1) X(slti_max, slti, 2047)    \
  X(sltiu_1, sltiu, 1) X(sltiu_m1, sltiu, -1) X(sltiu_min, sltiu, -2048)                      \
  X(xori_m1, xori, -1) X(xori_555, xori, 0x555) X(ori_m2048, ori, -2048) X(ori_7ff, ori, 2047) \
  X(andi_m16, andi, -16) X(andi_7ff, andi, 2047) X(addiw_0, addiw, 0) X(addiw_1, addiw, 1)    \
  X(addiw_m1, addiw, -1) X(addiw_max, addiw, 2047) X(addiw_min, addiw, -2048)                 \
  X(slli_0, slli, 0) X(slli_1, slli, 1) X(slli_31, slli, 31) X(slli_32, slli, 32)             \
  X(slli_63, slli, 63) X(srli_0, srli, 0) X(srli_1, srli, 1) X(srli_32, srli, 32)             \
  X(srli_63, srli, 63) X(srai_0, srai, 0) X(srai_1, srai, 1) X(srai_32, srai, 32)             \
  X(srai_63, srai, 63) X(slliw_0, slliw, 0) X(slliw_1, slliw, 1) X(slliw_31, slliw, 31)       \
  X(srliw_0, srliw, 0) X(srliw_1, srliw, 1) X(srliw_31, srliw, 31) X(sraiw_0, sraiw, 0)       \
  X(sraiw_1, sraiw, 1) X(sraiw_31, sraiw, 31)

/* a0 = load(a0 + imm): (label, instruction, immediate) */
#define LOAD_OPS(X)                                                                           \
  X(lb, lb, 0) X(lh, lh, 0) X(lw, lw, 0) X(ld, ld, 0) X(lbu, lbu, 0) X(lhu, lhu, 0)           \
  X(lwu, lwu, 0) X(lb_p3, lb, 3) X(lh_m2, lh, -2) X(lw_p5, lw, 5) X(ld_m1, ld, -1)           \
  X(lbu_m3, lbu, -3) X(lhu_p7, lhu, 7) X(lwu_m6, lwu, -6)

/* store(a0 + imm) = a1: (label, instruction, immediate) */
#define STORE_OPS(X)                                                                          \
  X(sb, sb, 0) X(sh, sh, 0) X(sw, sw, 0) X(sd, sd, 0) X(sb_p5, sb, 5) X(sh_m1, sh, -1)        \
  X(sw_p3, sw, 3) X(sd_m5, sd, -5)

/* a0 = 1 if the branch is taken, forwards (f) and backwards (b) */
#define BRANCH_OPS(X) X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu)
