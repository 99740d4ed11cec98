/* Reset entry of every hart: a0 = mhartid, a1 = &unitag_bootinfo (unitag) or a device tree (QEMU).
   The boot hart (hart 0; in a multikernel partition, the boot info's boot_hart: its lowest hart)
   clears .bss and boots the kernel on a static stack. The other harts count themselves in
   (the count is the hart total on a machine without boot info), then sleep in wfi until hart 0
   publishes a stack per hart in uk_secondary_stacks and sends them an IPI. */
  .section .text.unitag.entry, "ax"
  .globl _start
_start:
  csrw mie, zero
  la t0, uk_early_trap
  csrw mtvec, t0
  li tp, 0
  li fp, 0
#if defined(__riscv_flen)
  li t0, (1 << 13)            /* mstatus.FS = Initial until the scheduler takes over */
  csrs mstatus, t0
#endif
  li t2, 0                    /* the boot hart: 0 unless the unitag boot info names another */
  ld t0, 0(a1)
  li t1, 0x4f464e4947415455   /* UNITAG_BOOTINFO_MAGIC */
  bne t0, t1, 5f
  lwu t2, 204(a1)             /* UNITAG_BOOTINFO_BOOT_HART_OFFSET (checked in bootinfo.h) */
5:
  bne a0, t2, secondary
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  la sp, __boot_stack_top
  call uk_boot_primary        /* (hartid, boot argument): does not return */
  j park

secondary:
  la t0, uk_harts_checked_in
  li t1, 1
  amoadd.w zero, t1, (t0)
  li t0, 8                    /* mie.MSIE: the release IPI ends wfi */
  csrw mie, t0
3:
  la t0, uk_secondary_stacks
  ld t1, 0(t0)
  bnez t1, 4f
  wfi
  j 3b
4:
  fence r, rw
  slli t2, a0, 3
  add t1, t1, t2
  ld sp, 0(t1)
  beqz sp, park               /* more harts than the kernel was told about: stay parked */
  call uk_boot_secondary      /* (hartid): does not return */
park:
  csrw mie, zero
  wfi
  j park

/* A trap before the kernel installed its handler: report through the console and stop. */
  .align 2
uk_early_trap:
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  la sp, __boot_stack_top
  call uk_early_trap_report
  j park

  .section .data.unitag.boot, "aw"
  .align 3
  .globl uk_harts_checked_in, uk_secondary_stacks
uk_harts_checked_in:
  .word 1                     /* hart 0 */
  .word 0
uk_secondary_stacks:
  .dword 0                    /* uintptr_t[hart_count] of stack tops, published by hart 0 */
