// Stock picolibc's clock() reads SYS_ELAPSED as microseconds (CLOCKS_PER_SEC is 1,000,000)
// without asking SYS_TICKFREQ: the elapsed ticks must count at 1 MHz for clock() to be right.
// Checked against SYS_CLOCK (centiseconds) and SYS_ELAPSED / SYS_TICKFREQ over the same work.
#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  const clock_t c0 = clock();
  const long cs0 = (long)sys_semihost_clock();
  const uint64_t e0 = sys_semihost_elapsed();
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 20000000; i++) spin += i;
  const clock_t c1 = clock();
  const long cs1 = (long)sys_semihost_clock();
  const uint64_t e1 = sys_semihost_elapsed();
  const long clock_cs = (long)((c1 - c0) / (CLOCKS_PER_SEC / 100));
  const long elapsed_cs = (long)((e1 - e0) * 100 / sys_semihost_tickfreq());
  const long sys_cs = cs1 - cs0;
  const int clock_ok = sys_cs > 10 && clock_cs >= sys_cs - 2 && clock_cs <= sys_cs + 2;
  const int elapsed_ok = elapsed_cs >= sys_cs - 2 && elapsed_cs <= sys_cs + 2;
  printf("clock() %s SYS_CLOCK\n", clock_ok ? "agrees with" : "DISAGREES with");
  printf("SYS_ELAPSED/SYS_TICKFREQ %s SYS_CLOCK\n", elapsed_ok ? "agrees with" : "DISAGREES with");
  if (!clock_ok || !elapsed_ok)
    printf("clock() %ld cs, elapsed %ld cs, SYS_CLOCK %ld cs\n", clock_cs, elapsed_cs, sys_cs);
  return clock_ok && elapsed_ok ? 0 : 1;
}
