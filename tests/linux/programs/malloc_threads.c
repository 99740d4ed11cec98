/* Four threads share 256 slots of malloc'd buffers: each allocation replaces a slot's buffer, and
 * the thread that takes a buffer out (under the mutex) checks its first byte and frees it, so
 * blocks are freed by other threads than the ones that allocated them, across glibc's arenas,
 * with realloc growth into mmap'd chunks now and then. Under `heap` (bound to glibc's malloc) a
 * free that is preempted or parked at a system call must not end a block another thread's
 * malloc already got back. Prints the number of buffers left and a checksum of the bytes read.
 * argv[1]: rounds per thread (20000). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kThreads = 4, kSlots = 256 };
static int rounds = 20000; /* per thread; argv[1] overrides */
static unsigned char* slots[kSlots];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static void* churn(void* arg) {
  unsigned seed = (unsigned)(long)arg;
  long checksum = 0;
  for (int i = 0; i < rounds; i++) {
    seed = seed * 1103515245u + 12345u;
    const unsigned slot = (seed >> 8) % kSlots;
    const size_t size = (seed >> 16) % 300 + 1;
    unsigned char* fresh = malloc(size);
    if (fresh == NULL) abort();
    memset(fresh, (int)slot, size);
    pthread_mutex_lock(&slots_lock);
    unsigned char* old = slots[slot];
    slots[slot] = fresh;
    pthread_mutex_unlock(&slots_lock);
    if (old != NULL) {
      if (old[0] != slot) abort(); /* the buffer a slot held is that slot's */
      checksum += old[0];
      free(old);
    }
    if (i % 1000 == 0) {
      char* grown = realloc(NULL, 5000);
      grown = realloc(grown, 200000); /* past the mmap threshold */
      free(grown);
    }
  }
  return (void*)checksum;
}

int main(int argc, char** argv) {
  if (argc > 1) rounds = atoi(argv[1]);
  pthread_t threads[kThreads];
  long checksum = 0;
  for (long i = 0; i < kThreads; i++) pthread_create(&threads[i], NULL, churn, (void*)(i + 1));
  for (int i = 0; i < kThreads; i++) {
    void* result;
    pthread_join(threads[i], &result);
    checksum += (long)result;
  }
  int left = 0;
  for (int i = 0; i < kSlots; i++)
    if (slots[i] != NULL) {
      left++;
      free(slots[i]);
    }
  printf("%d buffers left, checksum %ld\n", left, checksum);
  return 0;
}
