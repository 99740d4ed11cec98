/* Every hart spins forever, none waits: only --timeout or --max-insns can end the run. */
void secondary_main(unsigned long hart) {
  (void)hart;
  for (;;) __asm__ volatile("");
}

int main(void) {
  for (;;) __asm__ volatile("");
}
