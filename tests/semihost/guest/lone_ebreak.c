// An ebreak that is not a semihosting call (no slli/srai around it) stays a breakpoint trap,
// even with --semihost.
int main(void) {
  __asm__ volatile("ebreak");
  return 0;
}
