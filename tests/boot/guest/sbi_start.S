/* Entry from OpenSBI in S-mode: a0 = boot hart, a1 = the device tree. Only the boot hart comes
   here; the others stay stopped in OpenSBI until the payload starts one through HSM, at
   _secondary (a0 = its hartid, a1 = the opaque value), on a stack of its own. */
  .section .text.start, "ax"
  .globl _start
_start:
  la sp, _stack_top
  call payload_main
1:
  wfi
  j 1b

  .text
  .globl _secondary
_secondary:
  la sp, _secondary_stack_top
  call secondary_main
2:
  wfi
  j 2b
