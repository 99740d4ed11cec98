// Time for picolibc: clocks count from boot on the CLINT's mtime (there is no real-time clock, so
// CLOCK_REALTIME starts at the epoch), and sleeps block the thread on its hart's sleep queue.
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "unitag/kernel.h"
#include "unitag/thread.h"

extern "C" int clock_gettime(clockid_t clock, struct timespec* ts) {
  if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
    errno = EINVAL;
    return -1;
  }
  const uint64_t ns = uk_time_ns();
  ts->tv_sec = time_t(ns / 1'000'000'000);
  ts->tv_nsec = long(ns % 1'000'000'000);
  return 0;
}

extern "C" int gettimeofday(struct timeval* tv, void*) {
  const uint64_t ns = uk_time_ns();
  tv->tv_sec = time_t(ns / 1'000'000'000);
  tv->tv_usec = suseconds_t(ns % 1'000'000'000 / 1000);
  return 0;
}

extern "C" clock_t times(struct tms* t) {
  const clock_t now = clock_t(uk_time_ns() / (1'000'000'000 / CLOCKS_PER_SEC));
  if (t) *t = tms{now, 0, 0, 0};
  return now;
}

extern "C" int nanosleep(const struct timespec* req, struct timespec* rem) {
  if (req->tv_nsec < 0 || req->tv_nsec >= 1'000'000'000 || req->tv_sec < 0) {
    errno = EINVAL;
    return -1;
  }
  uk_sleep_ns(uint64_t(req->tv_sec) * 1'000'000'000 + uint64_t(req->tv_nsec));
  if (rem) *rem = timespec{0, 0};
  return 0;
}

extern "C" int usleep(useconds_t us) {
  uk_sleep_ns(uint64_t(us) * 1000);
  return 0;
}

extern "C" unsigned sleep(unsigned seconds) {
  uk_sleep_ns(uint64_t(seconds) * 1'000'000'000);
  return 0;
}
