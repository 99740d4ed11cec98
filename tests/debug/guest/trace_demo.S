/* A short routine whose instruction trace tests/debug checks line by line: compressed and
   full-size instructions, a loop, a store and a load through the stack, a CSR read. main's
   return value (0) is the exit code. */
  .text
  .globl main
  .type main, @function
main:
  li a0, 3            /* c.li */
  li a1, 0
1:
  add a1, a1, a0      /* a1 = 3 + 2 + 1 */
  addi a0, a0, -1
  bnez a0, 1b
  sd a1, -8(sp)
  ld a2, -8(sp)
  csrr a3, mhartid
  .option push
  .option norvc
  addi a0, a2, -6     /* 0 when the sum was right */
  .option pop
  ret
  .size main, .-main
