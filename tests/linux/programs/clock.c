/* Time: clocks that move forward, a sleep that lasts, a plausible calendar date. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
  const double start = seconds(CLOCK_MONOTONIC);
  struct timespec nap = {0, 20 * 1000 * 1000};
  nanosleep(&nap, NULL);
  const double slept = seconds(CLOCK_MONOTONIC) - start;
  printf("slept at least 20 ms: %s\n", slept >= 0.020 ? "yes" : "no");
  printf("slept under 5 s: %s\n", slept < 5 ? "yes" : "no");
  struct timeval tv;
  gettimeofday(&tv, NULL);
  const time_t now = time(NULL);
  printf("realtime after 2024: %s\n", now > 1704067200 ? "yes" : "no");
  printf("gettimeofday agrees with time: %s\n", tv.tv_sec - now <= 1 && now - tv.tv_sec <= 1 ? "yes" : "no");
  struct tm tm;
  gmtime_r(&now, &tm);
  printf("year plausible: %s\n", tm.tm_year + 1900 >= 2024 && tm.tm_year + 1900 < 2100 ? "yes" : "no");
  printf("clock() runs: %s\n", clock() >= 0 ? "yes" : "no");
  return 0;
}
