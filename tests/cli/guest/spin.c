/* Never stops: for --timeout and --max-insns. */
int main(void) {
  for (;;) __asm__ volatile("");
}
