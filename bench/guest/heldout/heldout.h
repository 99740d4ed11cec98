// Shared by the held-out benchmark programs: a deterministic generator and the self-check
// report (a wrong result prints what was expected and exits non-zero).
#pragma once
#include <stdint.h>
#include <stdio.h>

static uint32_t rng_state = 12345u;
static inline uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static inline int report(const char* name, uint32_t got, uint32_t want) {
  printf("%s checksum %08lx\n", name, (unsigned long)got);
  if (got != want) {
    printf("%s: wrong result, expected %08lx\n", name, (unsigned long)want);
    return 1;
  }
  return 0;
}

static inline int fail(const char* name, const char* what) {
  printf("%s: check failed: %s\n", name, what);
  return 1;
}
