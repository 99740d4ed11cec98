/* Leaf functions for isa_traps: each raises one trap. In M-mode the handler resumes at ra, so
   the function "returns" at the trap; U-mode functions (u_*) run through run_user and end at
   their trap or at the exit ecall. Labelled *_at marks the trapping instruction. */
  .text
  .option norvc

.macro PROBE name
  .globl \name
  .balign 4
\name:
.endm
.macro USER_EXIT_WITH reg
  mv a0, \reg
  li a7, 93
  ecall
.endm

PROBE m_illegal_slliw       /* slliw with shamt[5] set: reserved on RV64 */
  .word 0x0205151b
  ret
PROBE m_illegal_load        /* LOAD with funct3 = 7 */
  .word 0x00007503
  ret
PROBE m_illegal_c           /* 16-bit all-zero parcel: c.illegal, mtval = 0 */
  .half 0x0000
  .half 0x0001
  ret
PROBE m_illegal_csr_ro      /* write to the read-only mhartid */
  csrw mhartid, a0
  ret
PROBE m_ebreak
  ebreak
  ret
PROBE m_c_ebreak
  .option push
  .option rvc
  c.ebreak
  .option pop
  ret
PROBE m_ecall
  ecall
  ret
PROBE m_load_fault          /* a0 = unmapped address */
  ld a0, 0(a0)
  ret
PROBE m_store_fault
  sd a0, 0(a0)
  ret
PROBE m_lw_fault_offset     /* mtval is the effective address (a0 + 12) */
  lw a1, 12(a0)
  ret
PROBE m_amo_fault
  amoadd.d a1, a1, (a0)
  ret
PROBE m_lr_fault
  lr.d a1, (a0)
  ret
PROBE m_amo_w_misaligned    /* a0 = address with a0 % 4 != 0 */
  amoadd.w a1, a1, (a0)
  ret
PROBE m_amo_d_misaligned
  amoswap.d a1, a1, (a0)
  ret
PROBE m_lr_w_misaligned
  lr.w a1, (a0)
  ret
PROBE m_lr_d_misaligned
  lr.d a1, (a0)
  ret
PROBE m_fetch_fault         /* jump to a0: nothing there */
  jr a0
PROBE m_fetch_fault_link    /* jalr through an unmapped address: link must not matter */
  jalr t0, 0(a0)
  ret

/* U-mode bodies: the pointer argument is a2, passed through run_user(fn, sp, arg). */
PROBE u_ecall
  li a7, 0
  ecall
PROBE u_ebreak
  ebreak
PROBE u_load
  ld t0, 0(a2)
  USER_EXIT_WITH t0
PROBE u_lw
  lw t0, 0(a2)
  USER_EXIT_WITH t0
PROBE u_store
  sd a2, 0(a2)
  li a0, 0
  USER_EXIT_WITH a0
PROBE u_jump
  jr a2
PROBE u_csr_mstatus
  csrr t0, mstatus
  USER_EXIT_WITH t0
PROBE u_csr_mscratch_write
  csrw mscratch, t0
  li t0, 0
  USER_EXIT_WITH t0
PROBE u_mret
  mret
PROBE u_wfi
  wfi
  li t0, 0
  USER_EXIT_WITH t0
PROBE u_rdcycle             /* exits with 1 when the read worked */
  rdcycle t0
  li t0, 1
  USER_EXIT_WITH t0
PROBE u_rdinstret
  rdinstret t0
  li t0, 1
  USER_EXIT_WITH t0
PROBE u_amo
  li t1, 1
  amoadd.d t0, t1, (a2)
  USER_EXIT_WITH t0
