// malloc-heavy work on picolibc's allocator: many sizes, frees out of order, realloc growth,
// every block checked against the linker script's heap bounds and its own fill pattern.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char __heap_start[], __heap_end[];

enum { kSlots = 512, kRounds = 20000 };
static unsigned char* blocks[kSlots];
static size_t sizes[kSlots];

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng = rng * 1103515245u + 12345u;
  return rng >> 8;
}

static int in_heap(const void* p, size_t n) {
  return (const char*)p >= __heap_start && (const char*)p + n <= __heap_end;
}

int main(void) {
  unsigned long allocs = 0, frees = 0, reallocs = 0, bad = 0;
  uint32_t checksum = 0;
  for (int round = 0; round < kRounds; round++) {
    const unsigned slot = next() % kSlots;
    if (blocks[slot]) {
      for (size_t i = 0; i < sizes[slot]; i++)
        if (blocks[slot][i] != (unsigned char)(slot + i)) bad++;
      checksum = checksum * 31 + (uint32_t)sizes[slot];
      if (next() % 4 == 0) {
        const size_t grown = sizes[slot] * 2 + 1;
        unsigned char* p = realloc(blocks[slot], grown);
        if (!p || !in_heap(p, grown)) bad++;
        for (size_t i = sizes[slot]; i < grown; i++) p[i] = (unsigned char)(slot + i);
        blocks[slot] = p;
        sizes[slot] = grown;
        reallocs++;
      } else {
        free(blocks[slot]);
        blocks[slot] = NULL;
        frees++;
      }
    } else {
      const size_t n = 1 + next() % (next() % 8 == 0 ? 4096 : 64);
      unsigned char* p = next() % 2 ? malloc(n) : calloc(n, 1);
      if (!p || !in_heap(p, n)) bad++;
      for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(slot + i);
      blocks[slot] = p;
      sizes[slot] = n;
      allocs++;
    }
  }
  for (unsigned s = 0; s < kSlots; s++) free(blocks[s]);
  // After freeing everything a large block must fit again.
  void* big = malloc(8u << 20);
  printf("allocs %lu frees %lu reallocs %lu bad %lu checksum %08lx big %s\n", allocs, frees,
         reallocs, bad, (unsigned long)checksum, big && in_heap(big, 8u << 20) ? "ok" : "FAILED");
  free(big);
  return bad != 0;
}
