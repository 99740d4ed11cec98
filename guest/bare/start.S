/* Entry for bare-metal guests: a0 = hartid. Hart 0 clears .bss and calls main(argc=0);
   other harts call secondary_main(hartid) (weak: they park in wfi). main's return value
   goes to the test finisher. No trap handler is installed: tests install their own.
   mstatus.FS is set to Initial so F/D code runs (QEMU resets it to Off; on a machine without
   F/D the field is read-only zero and the write does nothing). */
  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  li t0, 1 << 13
  csrs mstatus, t0
  csrr t0, mhartid
  slli t1, t0, 14
  la sp, _stack_top
  sub sp, sp, t1
  bnez t0, 2f
  la t1, __bss_start
  la t2, __bss_end
1:
  bgeu t1, t2, 3f
  sd zero, 0(t1)
  addi t1, t1, 8
  j 1b
3:
  la t1, bare_boot_arg
  sd a1, 0(t1)
  li a0, 0
  li a1, 0
  call main
  call bare_exit
2:
  mv a0, t0
  call secondary_main
4:
  wfi
  j 4b

  .weak secondary_main
secondary_main:
  wfi
  j secondary_main

  /* a1 at entry: the unitag boot info (or QEMU's device tree); see abi/unitag/bootinfo.h */
  .section .data
  .balign 8
  .globl bare_boot_arg
bare_boot_arg:
  .dword 0
