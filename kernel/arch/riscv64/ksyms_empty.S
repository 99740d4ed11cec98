/* The symbol table of the first link pass: empty. unitag_add_app's second pass replaces it with
   the image's function symbols (cmake/unitag_ksyms.cmake) at the same address. */
  .section .unitag.ksyms, "a"
  .globl uk_ksyms
  .balign 8
uk_ksyms:
  .dword 0
