/* One leaf function per compressed instruction (RVC, machine/isa/rvc.inc), written with explicit
   c.* mnemonics so the assembler cannot pick the 32-bit form. Arguments a0, a1; result a0.
   c.ebreak and c.illegal (0x0000) are exercised by isa_traps; the FP forms (c.fld, c.fsd,
   c.fldsp, c.fsdsp) need D and belong to the FP tests. */
  .text
  .option rvc

.macro FN name
  .globl \name
  .balign 2
\name:
.endm

FN rvc_addi4spn_4
  c.addi4spn a0, sp, 4
  sub a0, a0, sp
  c.jr ra
FN rvc_addi4spn_1020
  c.addi4spn a5, sp, 1020
  sub a0, a5, sp
  c.jr ra
FN rvc_lw          /* a0 = *(int32_t*)(a0 + 4), sign-extended */
  c.lw a0, 4(a0)
  c.jr ra
FN rvc_lw_124
  c.lw s1, 124(a0)
  c.mv a0, s1
  c.jr ra
FN rvc_ld
  c.ld a0, 8(a0)
  c.jr ra
FN rvc_ld_248
  c.ld a4, 248(a0)
  c.mv a0, a4
  c.jr ra
FN rvc_sw          /* *(uint32_t*)(a0 + 4) = a1 */
  c.sw a1, 4(a0)
  c.jr ra
FN rvc_sw_124
  c.sw a1, 124(a0)
  c.jr ra
FN rvc_sd
  c.sd a1, 8(a0)
  c.jr ra
FN rvc_sd_248
  c.sd a1, 248(a0)
  c.jr ra
FN rvc_nop
  c.nop
  c.jr ra
FN rvc_addi_m32
  c.addi a0, -32
  c.jr ra
FN rvc_addi_31
  c.addi a0, 31
  c.jr ra
FN rvc_addiw_1
  c.addiw a0, 1
  c.jr ra
FN rvc_addiw_0     /* sext.w */
  c.addiw a0, 0
  c.jr ra
FN rvc_li_m32
  c.li a0, -32
  c.jr ra
FN rvc_li_31
  c.li a0, 31
  c.jr ra
FN rvc_addi16sp    /* low 32 bits: -512 step; high 32 bits: sp after +496, +16 (must be back) */
  mv t0, sp
  c.addi16sp sp, -512
  sub a0, sp, t0
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  sub t1, sp, t0
  slli t1, t1, 32
  slli a0, a0, 32
  srli a0, a0, 32
  or a0, a0, t1
  c.jr ra
FN rvc_lui_1
  c.lui a0, 1
  c.jr ra
FN rvc_lui_31
  c.lui t3, 31
  c.mv a0, t3
  c.jr ra
FN rvc_lui_neg     /* nzimm = 0x20 (bit 17 set): sign-extends */
  c.lui a0, 0xfffe0
  c.jr ra
FN rvc_srli_1
  c.srli a0, 1
  c.jr ra
FN rvc_srli_63
  c.srli a0, 63
  c.jr ra
FN rvc_srai_1
  c.srai a0, 1
  c.jr ra
FN rvc_srai_63
  c.srai a0, 63
  c.jr ra
FN rvc_andi_m32
  c.andi a0, -32
  c.jr ra
FN rvc_andi_31
  c.andi a0, 31
  c.jr ra
FN rvc_sub
  c.sub a0, a1
  c.jr ra
FN rvc_xor
  c.xor a0, a1
  c.jr ra
FN rvc_or
  c.or a0, a1
  c.jr ra
FN rvc_and
  c.and a0, a1
  c.jr ra
FN rvc_subw
  c.subw a0, a1
  c.jr ra
FN rvc_addw
  c.addw a0, a1
  c.jr ra
FN rvc_slli_1
  c.slli a0, 1
  c.jr ra
FN rvc_slli_63
  c.mv t4, a0
  c.slli t4, 63
  c.mv a0, t4
  c.jr ra
FN rvc_mv
  c.mv t5, a1
  c.mv a0, t5
  c.jr ra
FN rvc_add
  c.add a0, a1
  c.jr ra
FN rvc_j            /* 0 when both c.j (forward and backward) land where they should */
  c.li a0, 0
  c.j 2f
1:
  c.j 3f
  c.addi a0, 1
2:
  c.j 1b
  c.addi a0, 1
3:
  c.jr ra
FN rvc_beqz         /* bit 0: forward taken, bit 1: backward taken */
  c.mv a5, a0
  c.li a0, 0
  c.beqz a5, 1f
  c.j 2f
1:
  c.addi a0, 1
2:
  c.j 4f
3:
  c.addi a0, 2
  c.jr ra
4:
  c.beqz a5, 3b
  c.jr ra
FN rvc_bnez
  c.mv a5, a0
  c.li a0, 0
  c.bnez a5, 1f
  c.j 2f
1:
  c.addi a0, 1
2:
  c.j 4f
3:
  c.addi a0, 2
  c.jr ra
4:
  c.bnez a5, 3b
  c.jr ra
FN rvc_sp_mem       /* c.sdsp/c.ldsp/c.swsp/c.lwsp round trips; a0 = ldsp ^ (lwsp << 1) */
  c.addi16sp sp, -512
  c.sdsp a1, 8(sp)
  c.sdsp a0, 504(sp)
  c.swsp a1, 252(sp)
  c.ldsp a2, 8(sp)
  c.lwsp a3, 252(sp)
  c.ldsp a4, 504(sp)
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  c.slli a3, 1
  xor a0, a2, a3
  xor a0, a0, a4
  c.jr ra
FN rvc_sp_sext      /* c.lwsp sign-extends */
  c.addi16sp sp, -16
  c.swsp a0, 4(sp)
  c.lwsp a0, 4(sp)
  c.addi16sp sp, 16
  c.jr ra
FN rvc_jr           /* 0 if c.jr lands on the target */
  la t0, 1f
  c.li a0, 0
  c.jr t0
  c.li a0, 1
1:
  c.jr ra
FN rvc_jalr         /* link of c.jalr minus the address after it (0 when right) */
  mv t6, ra
  la t0, 2f
  la a1, 1f
  c.jalr t0
1:
  c.li a0, 7
  mv ra, t6
  c.jr ra
2:
  sub a0, ra, a1
  mv ra, t6
  c.jr ra
