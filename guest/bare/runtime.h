/* The tiny runtime of bare-metal guest tests: UART output and exit through the test finisher.
   Works the same on unitag and on qemu-system-riscv64 -machine virt -bios none. */
#pragma once
#include <stdint.h>

/* a1 as hart 0 received it: the unitag boot info, or a device tree on QEMU. */
extern uintptr_t bare_boot_arg;

void bare_putc(char c);
void bare_puts(const char* s); /* no newline added */
void bare_put_hex(uint64_t v); /* 0x-prefixed, 16 digits */
void bare_put_dec(int64_t v);
__attribute__((noreturn)) void bare_exit(int code);

/* A RISC-V semihosting call (op in a0, parameter block in a1; returns a0). The three
   instructions must stay uncompressed for the host to recognise the sequence. */
static inline long bare_semihost(long op, const void* params) {
  register long a0 __asm__("a0") = op;
  register const void* a1 __asm__("a1") = params;
  __asm__ volatile(".option push\n.option norvc\n"
                   "slli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n"
                   ".option pop\n"
                   : "+r"(a0)
                   : "r"(a1)
                   : "memory");
  return a0;
}
