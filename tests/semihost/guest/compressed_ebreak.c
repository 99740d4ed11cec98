// The semihosting sequence with a 2-byte c.ebreak in the middle is not a semihosting call.
int main(void) {
  __asm__ volatile(".option push\n.option norvc\n"
                   "slli x0, x0, 0x1f\n"
                   ".2byte 0x9002\n"  // c.ebreak
                   ".2byte 0x0001\n"  // c.nop keeps the srai 4-byte aligned
                   "srai x0, x0, 7\n"
                   ".option pop\n");
  return 0;
}
