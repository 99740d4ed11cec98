/* qsort and a malloc-heavy workload: many small blocks (brk), large ones (mmap) and realloc
 * growth (mremap), with a checksum that any lost or corrupted byte changes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void* a, const void* b) {
  const uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

static uint32_t next(uint32_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

int main(void) {
  uint32_t seed = 12345;
  enum { kCount = 200000 };
  uint32_t* values = malloc(kCount * sizeof *values);  /* 800 KB: an mmap'd chunk */
  for (int i = 0; i < kCount; ++i) values[i] = next(&seed) % 1000000;
  qsort(values, kCount, sizeof *values, by_value);
  int sorted = 1;
  for (int i = 1; i < kCount; ++i) sorted &= values[i - 1] <= values[i];
  printf("sorted %d: min %u median %u max %u\n", sorted, values[0], values[kCount / 2],
         values[kCount - 1]);
  free(values);

  enum { kBlocks = 5000 };
  char** blocks = calloc(kBlocks, sizeof *blocks);
  uint64_t sum = 0;
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < kBlocks; ++i) {
      const size_t n = 1 + next(&seed) % 300;
      free(blocks[i]);
      blocks[i] = malloc(n);
      memset(blocks[i], (int)(i + round), n);
      sum += n * (unsigned char)(i + round);
    }
  }
  uint64_t check = 0;
  for (int i = 0; i < kBlocks; ++i) {
    check += (unsigned char)blocks[i][0];
    free(blocks[i]);
  }
  free(blocks);
  printf("small blocks: written %llu, first bytes %llu\n", (unsigned long long)sum,
         (unsigned long long)check);

  char* grow = NULL;
  size_t size = 0;
  for (int step = 0; step < 12; ++step) {
    const size_t bigger = 4096u << step; /* up to 8 MiB: realloc of an mmap'd chunk */
    grow = realloc(grow, bigger);
    for (size_t i = size; i < bigger; ++i) grow[i] = (char)(i * 7);
    size = bigger;
  }
  uint64_t total = 0;
  for (size_t i = 0; i < size; i += 4093) total += (unsigned char)grow[i];
  printf("grown to %zu bytes, sample sum %llu\n", size, (unsigned long long)total);
  free(grow);
  return 0;
}
