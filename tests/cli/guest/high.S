/* A minimal image that loops forever; linked where the test needs it. */
  .text
  .globl _start
_start:
  j _start
