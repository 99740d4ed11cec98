// Sorting records: picolibc's qsort and a heapsort on the same data, both checked sorted and
// stable in content (the same multiset of ids), with a checksum of the resulting order.
#include <stdlib.h>
#include <string.h>

#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0xf2f5b952u

#define COUNT 20000
#define ROUNDS 50

struct Record {
  uint32_t key;
  uint32_t id;
  uint16_t group;
  char name[6];
};

static struct Record a[COUNT], b[COUNT];

static int before(const struct Record* x, const struct Record* y) {
  if (x->group != y->group) return x->group < y->group;
  if (x->key != y->key) return x->key < y->key;
  return x->id < y->id;
}
static int compare(const void* x, const void* y) {
  return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

static void sift(struct Record* r, size_t root, size_t n) {
  for (;;) {
    size_t child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && before(&r[child], &r[child + 1])) ++child;
    if (!before(&r[root], &r[child])) return;
    struct Record t = r[root];
    r[root] = r[child];
    r[child] = t;
    root = child;
  }
}
static void heapsort(struct Record* r, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(r, i, n);
  for (size_t end = n; end-- > 1;) {
    struct Record t = r[0];
    r[0] = r[end];
    r[end] = t;
    sift(r, 0, end);
  }
}

int main(void) {
  uint32_t sum = 0;
  for (int round = 0; round < ROUNDS; ++round) {
    for (uint32_t i = 0; i < COUNT; ++i) {
      a[i].key = rng() % 5000;
      a[i].id = i;
      a[i].group = (uint16_t)(rng() % 7);
      for (int k = 0; k < 5; ++k) a[i].name[k] = (char)('a' + rng() % 26);
      a[i].name[5] = 0;
    }
    memcpy(b, a, sizeof a);
    qsort(a, COUNT, sizeof a[0], compare);
    heapsort(b, COUNT);
    uint64_t ids = 0;
    for (uint32_t i = 0; i < COUNT; ++i) {
      if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) return fail("sort", "qsort and heapsort differ");
      if (i && before(&a[i], &a[i - 1])) return fail("sort", "not sorted");
      ids += a[i].id;
      sum = sum * 31 + a[i].id;
    }
    if (ids != (uint64_t)COUNT * (COUNT - 1) / 2) return fail("sort", "records lost");
  }
  return report("sort", sum, EXPECTED);
}
