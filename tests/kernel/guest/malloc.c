/* The allocator under concurrency: threads on every hart allocate, fill, check and free blocks
 * of many sizes (small classes and large blocks); then the heap must be back where it started. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unitag/kernel.h>

#define ROUNDS 300
#define SLOTS 16

static volatile int corrupted;

static void* churn(void* arg) {
  uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
  unsigned char* blocks[SLOTS] = {0};
  size_t sizes[SLOTS] = {0};
  for (int round = 0; round < ROUNDS; ++round) {
    seed = seed * 1664525u + 1013904223u;
    const int slot = (int)(seed >> 8) % SLOTS;
    if (blocks[slot]) {
      for (size_t i = 0; i < sizes[slot]; ++i)
        if (blocks[slot][i] != (unsigned char)(slot + sizes[slot])) corrupted = 1;
      free(blocks[slot]);
      blocks[slot] = NULL;
    } else {
      sizes[slot] = (seed >> 16) % 3 == 0 ? 4096 + (seed >> 4) % 20000 : 1 + (seed >> 4) % 600;
      blocks[slot] = malloc(sizes[slot]);
      if (!blocks[slot]) corrupted = 1;
      else memset(blocks[slot], (unsigned char)(slot + sizes[slot]), sizes[slot]);
    }
  }
  for (int i = 0; i < SLOTS; ++i) free(blocks[i]);
  return NULL;
}

int test_malloc(void) {
  struct uk_memory_stats before, after;
  uk_memory_stats(&before);
  const unsigned n = uk_hart_count() * 2;
  pthread_t threads[128];
  for (unsigned i = 0; i < n; ++i) pthread_create(&threads[i], NULL, churn, (void*)(uintptr_t)i);
  for (unsigned i = 0; i < n; ++i) pthread_join(threads[i], NULL);
  void* big = calloc(1000, 1000);
  const int zeroed = big && ((char*)big)[999999] == 0;
  free(big);
  uk_memory_stats(&after);
  printf("malloc: %u threads, %s, calloc %s, heap in use %s\n", n,
         corrupted ? "CORRUPTED" : "no corruption", zeroed ? "zeroed" : "NOT ZEROED",
         after.heap_in_use == before.heap_in_use ? "back to its level before" : "LEAKED");
  return corrupted || !zeroed || after.heap_in_use != before.heap_in_use;
}
