/* Trap entry for the ISA guest tests: the direct-mode entry and a vectored-mode table whose
   slots each record their own number, so a test can see which vector an interrupt used. Both
   save x1..x31 and call isa_trap_handler(regs, vector). Also run_user / isa_user_return. */
#define FRAME 256

  .text
  .option push
  .option norvc
  .balign 256
  .globl isa_trap_vector_table
isa_trap_vector_table:
  j vec0
  j vec1
  j vec2
  j vec3
  j vec4
  j vec5
  j vec6
  j vec7
  j vec8
  j vec9
  j vec10
  j vec11
  .option pop

.macro VEC n
vec\n:
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, \n
  j trap_common
.endm
  VEC 0
  VEC 1
  VEC 2
  VEC 3
  VEC 4
  VEC 5
  VEC 6
  VEC 7
  VEC 8
  VEC 9
  VEC 10
  VEC 11

  .balign 4
  .globl isa_trap_entry
isa_trap_entry:
  addi sp, sp, -FRAME
  sd t0, 5*8(sp)
  li t0, -1

trap_common:
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  sd x6, 6*8(sp)
  sd x7, 7*8(sp)
  sd x8, 8*8(sp)
  sd x9, 9*8(sp)
  sd x10, 10*8(sp)
  sd x11, 11*8(sp)
  sd x12, 12*8(sp)
  sd x13, 13*8(sp)
  sd x14, 14*8(sp)
  sd x15, 15*8(sp)
  sd x16, 16*8(sp)
  sd x17, 17*8(sp)
  sd x18, 18*8(sp)
  sd x19, 19*8(sp)
  sd x20, 20*8(sp)
  sd x21, 21*8(sp)
  sd x22, 22*8(sp)
  sd x23, 23*8(sp)
  sd x24, 24*8(sp)
  sd x25, 25*8(sp)
  sd x26, 26*8(sp)
  sd x27, 27*8(sp)
  sd x28, 28*8(sp)
  sd x29, 29*8(sp)
  sd x30, 30*8(sp)
  sd x31, 31*8(sp)
  addi t1, sp, FRAME
  sd t1, 2*8(sp)
  mv a0, sp
  mv a1, t0
  call isa_trap_handler
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x4, 4*8(sp)
  ld x5, 5*8(sp)
  ld x6, 6*8(sp)
  ld x7, 7*8(sp)
  ld x8, 8*8(sp)
  ld x9, 9*8(sp)
  ld x10, 10*8(sp)
  ld x11, 11*8(sp)
  ld x12, 12*8(sp)
  ld x13, 13*8(sp)
  ld x14, 14*8(sp)
  ld x15, 15*8(sp)
  ld x16, 16*8(sp)
  ld x17, 17*8(sp)
  ld x18, 18*8(sp)
  ld x19, 19*8(sp)
  ld x20, 20*8(sp)
  ld x21, 21*8(sp)
  ld x22, 22*8(sp)
  ld x23, 23*8(sp)
  ld x24, 24*8(sp)
  ld x25, 25*8(sp)
  ld x26, 26*8(sp)
  ld x27, 27*8(sp)
  ld x28, 28*8(sp)
  ld x29, 29*8(sp)
  ld x30, 30*8(sp)
  ld x31, 31*8(sp)
  addi sp, sp, FRAME
  mret

/* uint64_t run_user(void (*fn)(void), void* sp, uint64_t arg): enter fn in U-mode with a2 = arg
   (untouched here); returns when the trap handler calls isa_user_return(value). */
  .globl run_user
run_user:
  la t0, user_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  sd s2, 32(t0)
  sd s3, 40(t0)
  sd s4, 48(t0)
  sd s5, 56(t0)
  sd s6, 64(t0)
  sd s7, 72(t0)
  sd s8, 80(t0)
  sd s9, 88(t0)
  sd s10, 96(t0)
  sd s11, 104(t0)
  csrw mepc, a0
  li t1, 0x1800
  csrc mstatus, t1
  mv sp, a1
  mret

  .globl isa_user_return
isa_user_return:
  la t0, user_ctx
  ld ra, 0(t0)
  ld sp, 8(t0)
  ld s0, 16(t0)
  ld s1, 24(t0)
  ld s2, 32(t0)
  ld s3, 40(t0)
  ld s4, 48(t0)
  ld s5, 56(t0)
  ld s6, 64(t0)
  ld s7, 72(t0)
  ld s8, 80(t0)
  ld s9, 88(t0)
  ld s10, 96(t0)
  ld s11, 104(t0)
  ret

  .bss
  .balign 8
user_ctx:
  .space 112
