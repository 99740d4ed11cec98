/* Threads demo: one worker per hart (pthreads) sums a slice of 1..N into a shared total under a
 * mutex, then waits at a condition-variable barrier. Prints a summary that does not depend on
 * scheduling: the total, and on how many distinct harts the workers ran. */
#include <pthread.h>
#include <stdio.h>
#include <unitag/kernel.h>

#define PER_WORKER 100000u
#define MAX_WORKERS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_arrived = PTHREAD_COND_INITIALIZER;
static unsigned long long total;
static unsigned arrived, workers;
static unsigned hart_of[MAX_WORKERS];

static void* work(void* arg) {
  const unsigned index = (unsigned)(unsigned long)arg;
  hart_of[index] = uk_hart_id();
  unsigned long long sum = 0;
  for (unsigned i = index * PER_WORKER + 1; i <= (index + 1) * PER_WORKER; ++i) sum += i;
  pthread_mutex_lock(&lock);
  total += sum;
  if (++arrived == workers) pthread_cond_broadcast(&all_arrived);
  while (arrived < workers) pthread_cond_wait(&all_arrived, &lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  workers = uk_hart_count();
  pthread_t threads[MAX_WORKERS];
  for (unsigned i = 0; i < workers; ++i) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    attr.hart = (int)i; /* one worker per hart */
    if (pthread_create(&threads[i], &attr, work, (void*)(unsigned long)i) != 0) {
      printf("pthread_create failed\n");
      return 1;
    }
  }
  for (unsigned i = 0; i < workers; ++i) pthread_join(threads[i], NULL);
  unsigned long long n = (unsigned long long)workers * PER_WORKER;
  unsigned long long seen = 0;
  for (unsigned i = 0; i < workers; ++i) seen |= 1ull << hart_of[i];
  printf("%u workers summed 1..%llu = %llu (expected %llu)\n", workers, n, total, n * (n + 1) / 2);
  printf("workers ran on %d distinct harts of %u\n", __builtin_popcountll(seen), uk_hart_count());
  return total == n * (n + 1) / 2 ? 0 : 1;
}
