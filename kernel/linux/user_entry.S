/* Running the Linux program in U-mode until it traps back (ecall, fault or interrupt), like a
   hypervisor's "run the vCPU" call: uk_linux_run_user(ctx) saves the kernel thread's callee-saved
   registers on its stack, points mtvec at uk_linux_user_trap and mscratch at ctx, loads the
   user registers and mrets to U. The trap saves the user registers back into ctx, restores the
   kernel's mtvec and mscratch (the library OS finds its per-hart data through mscratch) and
   returns mcause from the call, with interrupts still masked: the caller re-enables them and a
   pending interrupt is then taken by the library OS's own handler, on the kernel thread.
   Layout of ctx: kernel/linux/process.h (UserContext). */
#define CTX_PC 256
#define CTX_CAUSE 264
#define CTX_TVAL 272
#define CTX_KSP 280
#define CTX_KSCRATCH 288
#define CTX_KTVEC 296
#define CTX_F 304
#define CTX_FCSR 560
#define SX(n) sd x##n, (n * 8)(sp)
#define LX(n) ld x##n, (n * 8)(a0)
#define SF(n) fsd f##n, (CTX_F + n * 8)(sp)
#define LF(n) fld f##n, (CTX_F + n * 8)(a0)

  .section .text.uk_linux_run_user, "ax"
  .globl uk_linux_run_user
  .type uk_linux_run_user, @function
uk_linux_run_user:
  addi sp, sp, -128
  sd ra, 0(sp); sd s0, 8(sp); sd s1, 16(sp); sd s2, 24(sp); sd s3, 32(sp); sd s4, 40(sp)
  sd s5, 48(sp); sd s6, 56(sp); sd s7, 64(sp); sd s8, 72(sp); sd s9, 80(sp); sd s10, 88(sp)
  sd s11, 96(sp); sd gp, 104(sp); sd tp, 112(sp)
  csrci mstatus, 8
  sd sp, CTX_KSP(a0)
  csrr t0, mscratch
  sd t0, CTX_KSCRATCH(a0)
  csrr t0, mtvec
  sd t0, CTX_KTVEC(a0)
  la t0, uk_linux_user_trap
  csrw mtvec, t0
  csrw mscratch, a0
  LF(0); LF(1); LF(2); LF(3); LF(4); LF(5); LF(6); LF(7); LF(8); LF(9); LF(10); LF(11)
  LF(12); LF(13); LF(14); LF(15); LF(16); LF(17); LF(18); LF(19); LF(20); LF(21); LF(22)
  LF(23); LF(24); LF(25); LF(26); LF(27); LF(28); LF(29); LF(30); LF(31)
  ld t0, CTX_FCSR(a0)
  fscsr t0
  li t0, 0x1800 /* MPP = U */
  csrc mstatus, t0
  li t0, 0x80 /* MPIE */
  csrs mstatus, t0
  ld t0, CTX_PC(a0)
  csrw mepc, t0
  LX(1); LX(2); LX(3); LX(4); LX(5); LX(6); LX(7); LX(8); LX(9); LX(11); LX(12); LX(13)
  LX(14); LX(15); LX(16); LX(17); LX(18); LX(19); LX(20); LX(21); LX(22); LX(23); LX(24)
  LX(25); LX(26); LX(27); LX(28); LX(29); LX(30); LX(31)
  LX(10)
  mret
  .size uk_linux_run_user, . - uk_linux_run_user

  .align 4
  .globl uk_linux_user_trap
  .type uk_linux_user_trap, @function
uk_linux_user_trap:
  csrrw sp, mscratch, sp
  SX(1); SX(3); SX(4); SX(5); SX(6); SX(7); SX(8); SX(9); SX(10); SX(11); SX(12); SX(13)
  SX(14); SX(15); SX(16); SX(17); SX(18); SX(19); SX(20); SX(21); SX(22); SX(23); SX(24)
  SX(25); SX(26); SX(27); SX(28); SX(29); SX(30); SX(31)
  csrr t0, mscratch
  sd t0, 16(sp)
  csrr t0, mepc
  sd t0, CTX_PC(sp)
  csrr t0, mcause
  sd t0, CTX_CAUSE(sp)
  csrr t0, mtval
  sd t0, CTX_TVAL(sp)
  SF(0); SF(1); SF(2); SF(3); SF(4); SF(5); SF(6); SF(7); SF(8); SF(9); SF(10); SF(11)
  SF(12); SF(13); SF(14); SF(15); SF(16); SF(17); SF(18); SF(19); SF(20); SF(21); SF(22)
  SF(23); SF(24); SF(25); SF(26); SF(27); SF(28); SF(29); SF(30); SF(31)
  frcsr t0
  sd t0, CTX_FCSR(sp)
  mv a0, sp
  ld t0, CTX_KSCRATCH(a0)
  csrw mscratch, t0
  ld t0, CTX_KTVEC(a0)
  csrw mtvec, t0
  ld sp, CTX_KSP(a0)
  ld ra, 0(sp); ld s0, 8(sp); ld s1, 16(sp); ld s2, 24(sp); ld s3, 32(sp); ld s4, 40(sp)
  ld s5, 48(sp); ld s6, 56(sp); ld s7, 64(sp); ld s8, 72(sp); ld s9, 80(sp); ld s10, 88(sp)
  ld s11, 96(sp); ld gp, 104(sp); ld tp, 112(sp)
  addi sp, sp, 128
  ld a0, CTX_CAUSE(a0)
  ret
  .size uk_linux_user_trap, . - uk_linux_user_trap
