/* Sleeping: threads on every hart sleep until deadlines 50 ms apart, counted from one common
 * start (so a thread that starts late does not shift its deadline); each must sleep at least as
 * long as asked, and they must wake in deadline order. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <unitag/kernel.h>

#define SLEEPERS 4
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int wake_order[SLEEPERS], woken;
static int too_early;
static struct timespec start;

static long long us_since_start(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - start.tv_sec) * 1000000LL + (now.tv_nsec - start.tv_nsec) / 1000;
}

static void* sleeper(void* arg) {
  const int index = (int)(long)arg;
  const long long deadline_us = 50000LL * (SLEEPERS - index); /* 200, 150, 100, 50 ms */
  const long long before = us_since_start();
  const long long asked = deadline_us > before ? deadline_us - before : 0;
  usleep((useconds_t)asked);
  const long long slept = us_since_start() - before;
  pthread_mutex_lock(&lock);
  if (slept < asked) too_early = 1;
  wake_order[woken++] = index;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int test_sleep(void) {
  pthread_t threads[SLEEPERS];
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < SLEEPERS; ++i) pthread_create(&threads[i], NULL, sleeper, (void*)i);
  for (int i = 0; i < SLEEPERS; ++i) pthread_join(threads[i], NULL);
  printf("sleep: wake order");
  for (int i = 0; i < SLEEPERS; ++i) printf(" %d", wake_order[i]);
  printf(" (shortest sleep first), %s\n", too_early ? "SOME WOKE EARLY" : "none woke early");
  const time_t before = time(NULL);
  struct timespec ts = {1, 0};
  nanosleep(&ts, NULL);
  const int advanced = time(NULL) - before >= 1;
  printf("sleep: time() advanced %s across nanosleep(1 s)\n", advanced ? "by at least 1 s" : "too little");
  return too_early || !advanced;
}
