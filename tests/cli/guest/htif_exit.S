/* HTIF exit, then an illegal instruction: a write to tohost must be acted on at once (the run
   ends with the code written), not a block later (the illegal instruction's fault). */
  .text
  .globl _start
_start:
  la t0, tohost
  li t1, (7 << 1) | 1    /* exit code 7 */
  sd t1, 0(t0)
  .word 0                /* illegal: reached only if the exit was not taken at once */
  j _start

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .globl fromhost
fromhost: .dword 0
