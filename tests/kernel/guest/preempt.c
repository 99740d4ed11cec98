/* Preemption: spinners that never yield share one hart with the main thread. Without timer
 * preemption the main thread would never run again after starting them. */
#include <stdio.h>
#include <unitag/kernel.h>
#include <unitag/thread.h>

static volatile int stop;
static volatile unsigned long spins[2];

static void* spin(void* arg) {
  const int index = (int)(long)arg;
  while (!stop) spins[index]++;
  return NULL;
}

int test_preempt(void) {
  struct uk_thread_attr attr = {0, 0, "spinner"}; /* same hart as main */
  uk_thread* a = uk_thread_create(spin, (void*)0L, &attr);
  uk_thread* b = uk_thread_create(spin, (void*)1L, &attr);
  /* Busy-wait too (no sleep, no yield): only preemption lets all three make progress. */
  while (spins[0] < 1000 || spins[1] < 1000) {
  }
  stop = 1;
  uk_thread_join(a, NULL);
  uk_thread_join(b, NULL);
  printf("preempt: two spinners and main all progressed on hart %u\n", uk_hart_id());
  return 0;
}
