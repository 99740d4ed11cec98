/* Mutex contention across every hart (correct total), and a semaphore-driven producer/consumer
 * ring with a condition-variable completion signal. */
#include <pthread.h>
#include <stdio.h>
#include <unitag/kernel.h>
#include <unitag/sync.h>
#include <unitag/thread.h>

#define THREADS_PER_HART 3
#define INCREMENTS 2000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter;

static void* increment(void* arg) {
  (void)arg;
  for (int i = 0; i < INCREMENTS; ++i) {
    pthread_mutex_lock(&counter_lock);
    unsigned long v = counter; /* a racy read-modify-write if the mutex failed */
    if (i % 64 == 0) uk_yield();
    counter = v + 1;
    pthread_mutex_unlock(&counter_lock);
  }
  return NULL;
}

int test_mutex(void) {
  const unsigned n = uk_hart_count() * THREADS_PER_HART;
  pthread_t threads[64 * THREADS_PER_HART];
  for (unsigned i = 0; i < n; ++i) pthread_create(&threads[i], NULL, increment, NULL);
  for (unsigned i = 0; i < n; ++i) pthread_join(threads[i], NULL);
  printf("mutex: %u threads x %d increments = %lu (expected %lu)\n", n, INCREMENTS, counter,
         (unsigned long)n * INCREMENTS);
  return counter == (unsigned long)n * INCREMENTS ? 0 : 1;
}

#define RING 4
#define ITEMS 500
static uk_sem slots = UK_SEM_INIT(RING), items = UK_SEM_INIT(0);
static uk_mutex ring_lock = UK_MUTEX_INIT;
static uk_cond done_cond = UK_COND_INIT;
static int ring[RING], head, tail, consumers_done;
static long consumed_sum;

static void* producer(void* arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; ++i) {
    uk_sem_wait(&slots);
    uk_mutex_lock(&ring_lock);
    ring[head++ % RING] = i;
    uk_mutex_unlock(&ring_lock);
    uk_sem_post(&items);
  }
  return NULL;
}

static void* consumer(void* arg) {
  (void)arg;
  long sum = 0;
  for (int i = 0; i < ITEMS / 2; ++i) {
    uk_sem_wait(&items);
    uk_mutex_lock(&ring_lock);
    sum += ring[tail++ % RING];
    uk_mutex_unlock(&ring_lock);
    uk_sem_post(&slots);
  }
  uk_mutex_lock(&ring_lock);
  consumed_sum += sum;
  ++consumers_done;
  uk_cond_signal(&done_cond);
  uk_mutex_unlock(&ring_lock);
  return NULL;
}

int test_sync(void) {
  uk_thread* p = uk_thread_create(producer, NULL, NULL);
  uk_thread* c1 = uk_thread_create(consumer, NULL, NULL);
  uk_thread* c2 = uk_thread_create(consumer, NULL, NULL);
  uk_thread_detach(c1);
  uk_thread_detach(c2);
  uk_mutex_lock(&ring_lock);
  while (consumers_done < 2) uk_cond_wait(&done_cond, &ring_lock);
  uk_mutex_unlock(&ring_lock);
  uk_thread_join(p, NULL);
  const long expected = (long)ITEMS * (ITEMS + 1) / 2;
  printf("sync: consumed %d items through a %d-slot ring, sum %ld (expected %ld)\n", ITEMS, RING,
         consumed_sum, expected);
  return consumed_sum == expected ? 0 : 1;
}
