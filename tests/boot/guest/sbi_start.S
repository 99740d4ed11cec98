/* Entry from OpenSBI in S-mode: a0 = boot hart, a1 = the device tree. One stack: only the boot
   hart comes here (the others stay stopped in OpenSBI until started through HSM). */
  .section .text.start, "ax"
  .globl _start
_start:
  la sp, _stack_top
  call payload_main
1:
  wfi
  j 1b
