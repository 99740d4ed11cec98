/* Trap entries and privilege switches of the S-mode tests. Both handlers save the two registers
   they use (t0, t1), so an interrupt may arrive anywhere. A synchronous trap that a probe raised
   in its own mode returns to the probe's caller (xepc = ra): probes are leaf functions. */
/* Saves ra, sp and s0-s11 at t0. */
.macro SAVE_CONTEXT
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
.endm

  .text
  .balign 4
  .globl m_trap_entry
m_trap_entry:
  csrw mscratch, t0
  la t0, m_save
  sd t1, 0(t0)
  la t0, m_log
  csrr t1, mcause
  sd t1, 0(t0)
  csrr t1, mepc
  sd t1, 8(t0)
  csrr t1, mtval
  sd t1, 16(t0)
  ld t1, 24(t0)
  addi t1, t1, 1
  sd t1, 24(t0)
  csrr t1, mstatus
  sd t1, 32(t0)
  csrr t1, mcause
  bltz t1, m_interrupt
  li t0, 3 /* ebreak with a7 = 93 (s_exit): run_s is over */
  bne t1, t0, 1f
  li t0, 93
  beq a7, t0, run_s_return
1:
  csrw mepc, ra
  j m_out
m_interrupt:
  /* the machine software interrupt: clear hart 0's msip */
  li t0, 0x2000000
  sw zero, 0(t0)
m_out:
  li t0, 0x20000 /* MPRV off: a probe that faulted under it returns to plain M-mode code */
  csrc mstatus, t0
  la t0, m_save
  ld t1, 0(t0)
  csrr t0, mscratch
  mret

  .balign 4
  .globl s_trap_entry
s_trap_entry:
  csrw sscratch, t0
  la t0, s_save
  sd t1, 0(t0)
  la t0, s_log
  csrr t1, scause
  sd t1, 0(t0)
  csrr t1, sepc
  sd t1, 8(t0)
  csrr t1, stval
  sd t1, 16(t0)
  ld t1, 24(t0)
  addi t1, t1, 1
  sd t1, 24(t0)
  csrr t1, sstatus
  sd t1, 32(t0)
  csrr t1, scause
  bltz t1, s_interrupt
  csrr t1, sstatus
  andi t1, t1, 0x100 /* SPP: from U, the user run is over */
  beqz t1, s_from_user
  csrw sepc, ra
  j s_out
s_interrupt:
  /* count it, then mask every supervisor interrupt source so it cannot recur */
  la t0, s_interrupts
  ld t1, 0(t0)
  addi t1, t1, 1
  sd t1, 0(t0)
  li t1, 0x222
  csrc sie, t1
  li t1, 2
  csrc sip, t1
s_out:
  la t0, s_save
  ld t1, 0(t0)
  csrr t0, sscratch
  sret
s_from_user:
  csrr a0, scause
  la t0, s_user_ctx
  j restore_and_return

/* uint64_t run_s(void (*fn)(uint64_t), uint64_t arg): M-mode enters fn(arg) in S-mode (mret with
   MPP=S); returns the value fn passes to s_exit. */
  .globl run_s
run_s:
  la t0, run_s_ctx
  SAVE_CONTEXT
  csrw mepc, a0
  li t1, 0x1800
  csrc mstatus, t1
  li t1, 0x800
  csrs mstatus, t1
  mv a0, a1
  mret
run_s_return:
  la t0, run_s_ctx
  j restore_and_return

/* void s_exit(uint64_t value): ends run_s from S-mode (ebreak is never delegated here, ecall
   may be). */
  .globl s_exit
s_exit:
  li a7, 93
  ebreak

/* uint64_t s_run_user(void (*fn)(void), void* sp): S-mode enters fn in U-mode (sret with SPP=U)
   on stack sp; returns scause of the trap that ends it. */
  .globl s_run_user
s_run_user:
  la t0, s_user_ctx
  SAVE_CONTEXT
  csrw sepc, a0
  li t1, 0x100
  csrc sstatus, t1
  mv sp, a1
  sret

restore_and_return:
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

/* Probes: one instruction each, then return (a trap returns to the caller as well). */
.macro PROBE name
  .globl \name
\name:
.endm
PROBE p_sret
  sret
  ret
PROBE p_mret
  mret
  ret
PROBE p_wfi
  wfi
  ret
PROBE p_ecall
  ecall
  ret
PROBE p_ebreak
  li a7, 0
  ebreak
  ret
PROBE p_illegal
  .word 0
  ret
PROBE p_sfence_all
  sfence.vma
  ret
PROBE p_sfence_addr /* a0: the address */
  sfence.vma a0
  ret
PROBE p_sfence_asid /* a0: the ASID */
  sfence.vma zero, a0
  ret
PROBE p_read_satp
  csrr a0, satp
  ret
PROBE p_read_mstatus
  csrr a0, mstatus
  ret
PROBE p_read_sstatus
  csrr a0, sstatus
  ret
PROBE p_rdcycle
  rdcycle a0
  ret
PROBE p_load /* a0: address; returns the doubleword */
  ld a0, 0(a0)
  ret
PROBE p_store /* a0: address, a1: value */
  sd a1, 0(a0)
  ret
PROBE p_jump /* a0: target */
  jr a0
PROBE p_amoadd /* a0: address, a1: addend; returns the old word */
  amoadd.w a0, a1, (a0)
  ret
PROBE p_lr /* a0: address */
  lr.d a0, (a0)
  ret
PROBE p_lrsc /* a0: address, a1: value; returns sc's result (0: stored) */
  lr.d t0, (a0)
  sc.d a0, a1, (a0)
  ret
PROBE p_spin_then_ecall /* U-mode: a few instructions an interrupt may preempt, then ecall */
  nop
  nop
  nop
  li a7, 93
  ecall
  j p_spin_then_ecall

PROBE p_mprv_load /* a0: address, a1: the MPP bits to borrow; returns the doubleword */
  li t0, 0x21800
  csrc mstatus, t0
  li t0, 0x20000
  or t0, t0, a1
  csrs mstatus, t0
  ld a0, 0(a0)
  li t0, 0x20000
  csrc mstatus, t0
  ret
PROBE p_mprv_store /* a0: address, a1: the MPP bits to borrow, a2: value */
  li t0, 0x21800
  csrc mstatus, t0
  li t0, 0x20000
  or t0, t0, a1
  csrs mstatus, t0
  sd a2, 0(a0)
  li t0, 0x20000
  csrc mstatus, t0
  ret

/* A U-mode body that loads from a2 (set by the caller) and ends with ecall. */
  .balign 16
  .globl u_load_then_ecall
u_load_then_ecall:
  ld t0, 0(a2)
  ecall

  .data
  .balign 8
  .globl m_log, s_log, s_interrupts
m_log: .space 40
s_log: .space 40
s_interrupts: .space 8
m_save: .space 8
s_save: .space 8
run_s_ctx: .space 112
s_user_ctx: .space 112
