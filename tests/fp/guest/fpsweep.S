/* Sweeps F/D instructions over corner-case operands in every rounding mode, static (rm field)
   and dynamic (frm), printing each result's 64 register bits (singles show their NaN box)
   and the fflags it raised. Compared bit for bit with QEMU. */
#define REPORT_INT 0
#define REPORT_FP 1

  .section .rodata
  .balign 8
/* One operand set: a, b, c as doubles; a, b, c as singles (+pad); an integer. */
#define SET(ad, bd, cd, as, bs, cs, i) .dword ad, bd, cd; .word as, bs, cs, 0; .dword i
operand_sets:
  SET(0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3f800000, 0x33800000, 0, 16777217)
  SET(0x3ff0000000000000, 0x4008000000000000, 0x8000000000000000, 0x3f800000, 0x40400000, 0x80000000, -1)
  SET(0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff, 0x7f7fffff, 0x40000000, 0xff7fffff, 0x7fffffffffffffff)
  SET(0x0000000000000001, 0x3fe0000000000000, 0x0010000000000000, 0x00000001, 0x3f000000, 0x00800000, 0x8000000000000000)
  SET(0xc004000000000000, 0, 0x7ff8000000000000, 0xc0200000, 0, 0x7fc00000, 3)
  SET(0x7ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000, 0x7f800001, 0x3f800000, 0x3f800000, 0xffffffff)
  SET(0x7ff0000000000000, 0, 0x7ff8000000000000, 0x7f800000, 0, 0x7fc00000, -3)
  SET(0x8000000000000000, 0, 0x8000000000000000, 0x80000000, 0, 0x80000000, 0)
  SET(0x41e65a0bc0000000, 0xbff8000000000000, 0x3e40000000000000, 0x4f32d05e, 0xbfc00000, 0x33800000, 0x80000001)
  SET(0x3ff0000000000001, 0x3ff0000000000001, 0x3c9ffffffffffffe, 0x3f800001, 0x3f800001, 0x337ffffc, 0x1000001)
  SET(0x0000000000000003, 0x3fe0000000000000, 0xbfd5555555555555, 0x00000003, 0x3f000000, 0xbeaaaaab, 0x7fffffff)
  SET(0xc1e0000000200000, 0x4330000000000001, 0xc3e0000000000000, 0xcf000001, 0x4b000001, 0xdf000000, -2)
operand_sets_end:
#define SET_SIZE 48

  .text
  .globl main
main:
  addi sp, sp, -48
  sd ra, 40(sp)
  sd s0, 32(sp)
  sd s1, 24(sp)
  sd s4, 16(sp)
  la s0, operand_sets
  li s1, 0
next_set:
  la t0, operand_sets_end
  bgeu s0, t0, done
  la a0, set_label
  call bare_puts
  mv a0, s1
  call bare_put_dec
  li a0, '\n'
  call bare_putc
  fld fs1, 0(s0)
  fld fs2, 8(s0)
  fld fs3, 16(s0)
  flw fs4, 24(s0)
  flw fs5, 28(s0)
  flw fs6, 32(s0)
  ld s4, 40(s0)
  call sweep
  addi s0, s0, SET_SIZE
  addi s1, s1, 1
  j next_set
done:
  ld ra, 40(sp)
  ld s0, 32(sp)
  ld s1, 24(sp)
  ld s4, 16(sp)
  addi sp, sp, 48
  li a0, 0
  ret

/* Prints a0 (result bits) and a1 (fflags). */
report:
  addi sp, sp, -16
  sd ra, 8(sp)
  sd a1, 0(sp)
  call bare_put_hex
  li a0, ' '
  call bare_putc
  ld a0, 0(sp)
  call bare_put_dec
  li a0, '\n'
  call bare_putc
  ld ra, 8(sp)
  addi sp, sp, 16
  ret

.macro REPORT kind, rd
  .if \kind == REPORT_FP
    fmv.x.d a0, \rd
  .else
    mv a0, \rd
  .endif
  frflags a1
  call report
.endm

/* An instruction with a rounding mode: all five static modes, then rm=dyn with each frm. */
.macro SWEEP kind, insn, rd, ops:vararg
  .irp rm, rne, rtz, rdn, rup, rmm
    fsflags zero
    \insn \rd, \ops, \rm
    REPORT \kind, \rd
  .endr
  .irp m, 0, 1, 2, 3, 4
    fsrmi \m
    fsflags zero
    \insn \rd, \ops, dyn
    REPORT \kind, \rd
  .endr
  fsrmi 0
.endm

/* An instruction without a rounding mode. */
.macro PLAIN kind, insn, rd, ops:vararg
  fsflags zero
  \insn \rd, \ops
  REPORT \kind, \rd
.endm

sweep:
  addi sp, sp, -16
  sd ra, 8(sp)
  SWEEP REPORT_FP, fadd.s, ft0, fs4, fs5
  SWEEP REPORT_FP, fsub.s, ft0, fs4, fs6
  SWEEP REPORT_FP, fmul.s, ft0, fs4, fs5
  SWEEP REPORT_FP, fdiv.s, ft0, fs4, fs5
  SWEEP REPORT_FP, fsqrt.s, ft0, fs4
  SWEEP REPORT_FP, fmadd.s, ft0, fs4, fs5, fs6
  SWEEP REPORT_FP, fnmsub.s, ft0, fs4, fs5, fs6
  SWEEP REPORT_FP, fnmadd.s, ft0, fs4, fs5, fs6
  SWEEP REPORT_INT, fcvt.w.s, t0, fs4
  SWEEP REPORT_INT, fcvt.wu.s, t0, fs4
  SWEEP REPORT_INT, fcvt.l.s, t0, fs4
  SWEEP REPORT_INT, fcvt.lu.s, t0, fs5
  SWEEP REPORT_FP, fcvt.s.w, ft0, s4
  SWEEP REPORT_FP, fcvt.s.lu, ft0, s4
  SWEEP REPORT_FP, fcvt.s.d, ft0, fs1
  SWEEP REPORT_FP, fcvt.s.d, ft0, fs3
  SWEEP REPORT_FP, fadd.d, ft0, fs1, fs2
  SWEEP REPORT_FP, fsub.d, ft0, fs1, fs3
  SWEEP REPORT_FP, fmul.d, ft0, fs1, fs2
  SWEEP REPORT_FP, fdiv.d, ft0, fs1, fs2
  SWEEP REPORT_FP, fsqrt.d, ft0, fs1
  SWEEP REPORT_FP, fmadd.d, ft0, fs1, fs2, fs3
  SWEEP REPORT_FP, fmsub.d, ft0, fs1, fs2, fs3
  SWEEP REPORT_INT, fcvt.w.d, t0, fs1
  SWEEP REPORT_INT, fcvt.wu.d, t0, fs2
  SWEEP REPORT_INT, fcvt.l.d, t0, fs3
  SWEEP REPORT_INT, fcvt.lu.d, t0, fs1
  SWEEP REPORT_FP, fcvt.d.l, ft0, s4
  SWEEP REPORT_FP, fcvt.s.l, ft0, s4
  PLAIN REPORT_FP, fcvt.d.wu, ft0, s4
  PLAIN REPORT_FP, fcvt.d.s, ft0, fs4
  PLAIN REPORT_FP, fmin.s, ft0, fs4, fs5
  PLAIN REPORT_FP, fmax.s, ft0, fs4, fs6
  PLAIN REPORT_FP, fmin.d, ft0, fs1, fs3
  PLAIN REPORT_FP, fmax.d, ft0, fs2, fs3
  PLAIN REPORT_FP, fsgnjn.s, ft0, fs4, fs6
  PLAIN REPORT_FP, fsgnjx.d, ft0, fs1, fs3
  PLAIN REPORT_INT, feq.s, t0, fs4, fs6
  PLAIN REPORT_INT, flt.s, t0, fs4, fs5
  PLAIN REPORT_INT, fle.d, t0, fs1, fs3
  PLAIN REPORT_INT, feq.d, t0, fs1, fs1
  PLAIN REPORT_INT, fclass.s, t0, fs4
  PLAIN REPORT_INT, fclass.d, t0, fs3
  PLAIN REPORT_INT, fmv.x.w, t0, fs6
  /* A badly NaN-boxed single (a double in the register) reads as the canonical NaN. */
  PLAIN REPORT_FP, fadd.s, ft0, fs1, fs5
  PLAIN REPORT_INT, fclass.s, t0, fs3
  ld ra, 8(sp)
  addi sp, sp, 16
  ret

  .section .rodata
set_label:
  .string "set "
