/* Every hart waits for an interrupt with none enabled and no timer armed: a deadlock. */
int main(void) {
  for (;;) __asm__ volatile("wfi");
}
