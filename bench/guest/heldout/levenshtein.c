// Levenshtein edit distance by dynamic programming (two rows) over pairs of generated strings;
// checked on a known answer, symmetry and the bounds |len a - len b| <= d <= max(len).
#include <string.h>

#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0x9488ba21u

#define MAXLEN 400
#define PAIRS 275

static uint32_t row0[MAXLEN + 1], row1[MAXLEN + 1];

static uint32_t distance(const char* a, uint32_t n, const char* b, uint32_t m) {
  uint32_t *prev = row0, *cur = row1;
  for (uint32_t j = 0; j <= m; ++j) prev[j] = j;
  for (uint32_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (uint32_t j = 1; j <= m; ++j) {
      uint32_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      cur[j] = best;
    }
    uint32_t* t = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

int main(void) {
  if (distance("kitten", 6, "sitting", 7) != 3) return fail("levenshtein", "known answer");
  static char a[MAXLEN], b[MAXLEN];
  uint32_t sum = 0;
  for (int p = 0; p < PAIRS; ++p) {
    uint32_t n = 200 + rng() % 200, m = 200 + rng() % 200;
    for (uint32_t i = 0; i < n; ++i) a[i] = (char)('a' + rng() % 4);
    for (uint32_t j = 0; j < m; ++j)  // b: a mutated copy of a
      b[j] = j < n && rng() % 5 ? a[j] : (char)('a' + rng() % 4);
    uint32_t d = distance(a, n, b, m);
    if (d != distance(b, m, a, n)) return fail("levenshtein", "not symmetric");
    if (d < (n > m ? n - m : m - n) || d > (n > m ? n : m)) return fail("levenshtein", "bounds");
    sum = sum * 31 + d;
  }
  return report("levenshtein", sum, EXPECTED);
}
