/* pthreads over every hart: a mutex-protected counter while every worker maps and unmaps
 * memory (malloc of blocks above the mmap threshold), a bounded queue with two condition
 * variables (producers and consumers), a timed wait that times out, and joins. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kWorkers = 6, kIncrements = 20000, kItems = 3000, kSlots = 8 };

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void* count_up(void* arg) {
  long mapped = 0;
  for (int i = 0; i < kIncrements; ++i) {
    pthread_mutex_lock(&counter_lock);
    ++counter;
    pthread_mutex_unlock(&counter_lock);
    if (i % 500 == 0) {
      volatile char* block = malloc(256 * 1024);
      for (int k = 0; k < 256 * 1024; k += 4096) block[k] = (char)k;
      mapped += block[4096];
      free((void*)block);
    }
  }
  return (void*)((long)arg + mapped * 0);
}

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static int queue[kSlots], head, count;

static void* produce(void* arg) {
  const int base = (int)(long)arg;
  for (int i = 1; i <= kItems; ++i) {
    pthread_mutex_lock(&queue_lock);
    while (count == kSlots) pthread_cond_wait(&not_full, &queue_lock);
    queue[(head + count++) % kSlots] = base + i;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
  }
  return NULL;
}

static void* consume(void* arg) {
  long sum = 0;
  for (int i = 0; i < kItems; ++i) {
    pthread_mutex_lock(&queue_lock);
    while (count == 0) pthread_cond_wait(&not_empty, &queue_lock);
    sum += queue[head];
    head = (head + 1) % kSlots;
    --count;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&queue_lock);
  }
  return (void*)sum;
}

int main(void) {
  pthread_t workers[kWorkers];
  for (long i = 0; i < kWorkers; ++i) pthread_create(&workers[i], NULL, count_up, (void*)i);
  long ids = 0;
  for (int i = 0; i < kWorkers; ++i) {
    void* r;
    pthread_join(workers[i], &r);
    ids += (long)r;
  }
  printf("counter %ld (expected %d), worker ids sum %ld\n", counter, kWorkers * kIncrements, ids);

  pthread_t producers[2], consumers[2];
  for (long i = 0; i < 2; ++i) pthread_create(&producers[i], NULL, produce, (void*)(i * 100000));
  for (int i = 0; i < 2; ++i) pthread_create(&consumers[i], NULL, consume, NULL);
  long total = 0;
  for (int i = 0; i < 2; ++i) {
    void* r;
    pthread_join(producers[i], NULL);
    pthread_join(consumers[i], &r);
    total += (long)r;
  }
  printf("queue moved sum %ld\n", total);

  pthread_mutex_lock(&queue_lock);
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 30 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000;
  }
  const int r = pthread_cond_timedwait(&not_empty, &queue_lock, &deadline);
  pthread_mutex_unlock(&queue_lock);
  printf("timed wait: %s\n", r == ETIMEDOUT ? "timed out" : "woken");
  return 0;
}
