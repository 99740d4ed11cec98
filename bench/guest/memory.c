/* Memory-bound benchmark: STREAM-style triad over three 8 MiB arrays, then a dependent pointer
   chase through a random cyclic permutation of an 8 MiB array. Prints checksums. */
#include "runtime.h"

#define N (1u << 20) /* 8 MiB of uint64_t per array */
#define PASSES 4
#define CHASE_STEPS ((1u << 22) - 7)

static uint64_t a[N], b[N], c[N];

static uint64_t next_random(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

int main(void) {
  for (uint32_t i = 0; i < N; ++i) {
    b[i] = i;
    c[i] = 3 * (uint64_t)i + 1;
  }
  for (int p = 0; p < PASSES; ++p)
    for (uint32_t i = 0; i < N; ++i) a[i] = b[i] + 3 * c[i];
  uint64_t sum = 0;
  for (uint32_t i = 0; i < N; i += 64) sum += a[i];

  /* Sattolo's algorithm: one cycle through all N slots, stored in b. */
  for (uint32_t i = 0; i < N; ++i) b[i] = i;
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (uint32_t i = N - 1; i > 0; --i) {
    const uint32_t j = (uint32_t)(next_random(&seed) % i);
    const uint64_t t = b[i];
    b[i] = b[j];
    b[j] = t;
  }
  uint64_t at = 0;
  for (uint32_t s = 0; s < CHASE_STEPS; ++s) at = b[at];

  bare_puts("memory triad ");
  bare_put_hex(sum);
  bare_puts(" chase ");
  bare_put_hex(at);
  bare_putc('\n');
  return 0;
}
