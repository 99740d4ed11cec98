/* Floating point across context switches: threads on one hart interleave (yield) long double-
 * precision recurrences; a context switch that lost FP registers would change the results. With
 * the rv64imafdc/lp64d build this exercises the kernel's lazy FP save/restore; with lp64 it is
 * soft-float and checks the same arithmetic. */
#include <stdio.h>
#include <unitag/thread.h>

#define STEPS 2000

static void* recurrence(void* arg) {
  double x = (double)(long)arg, acc = 0.0;
  for (int i = 0; i < STEPS; ++i) {
    x = x * 0.5 + 1.0; /* converges to 2 */
    acc += x;
    if (i % 100 == 0) uk_yield();
  }
  static double results[4];
  results[(long)arg] = acc;
  return &results[(long)arg];
}

int test_fp(void) {
  struct uk_thread_attr attr = {0, 0, "fp"};
  uk_thread* threads[4];
  for (long i = 0; i < 4; ++i) threads[i] = uk_thread_create(recurrence, (void*)i, &attr);
  double expected[4], got[4];
  for (long i = 0; i < 4; ++i) {
    double x = (double)i, acc = 0.0;
    for (int s = 0; s < STEPS; ++s) {
      x = x * 0.5 + 1.0;
      acc += x;
    }
    expected[i] = acc;
  }
  int ok = 1;
  for (int i = 0; i < 4; ++i) {
    void* r;
    uk_thread_join(threads[i], &r);
    got[i] = *(double*)r;
    ok &= got[i] == expected[i];
  }
  printf("fp: 4 threads on one hart, results %s (%.6f %.6f %.6f %.6f)\n", ok ? "match" : "DIFFER",
         got[0], got[1], got[2], got[3]);
  return !ok;
}
