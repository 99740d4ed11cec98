/* Sleeping: threads on every hart sleep different lengths; each must sleep at least as long as
 * asked, and they must wake in the order of their deadlines (10 ms apart, far above jitter). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <unitag/kernel.h>

#define SLEEPERS 4
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int wake_order[SLEEPERS], woken;
static int too_early;

static void* sleeper(void* arg) {
  const int index = (int)(long)arg;
  const unsigned ms = 10u * (unsigned)(SLEEPERS - index); /* 40, 30, 20, 10 ms */
  struct timespec t0, t1;
  clock_gettime(CLOCK_REALTIME, &t0);
  usleep(ms * 1000u);
  clock_gettime(CLOCK_REALTIME, &t1);
  const long long elapsed_us =
      (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  pthread_mutex_lock(&lock);
  if (elapsed_us < (long long)ms * 1000) too_early = 1;
  wake_order[woken++] = index;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int test_sleep(void) {
  pthread_t threads[SLEEPERS];
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
