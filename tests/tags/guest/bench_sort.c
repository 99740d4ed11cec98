/* Compute workload: qsort (indirect comparator calls) of a large heap array, several times. */
#include <stdlib.h>

#include "tags_rt.h"

static int compare(const void* a, const void* b) {
  const long x = *(const long*)a, y = *(const long*)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  enum { N = 40000 };
  long* a = malloc(N * sizeof(long));
  unsigned long seed = 1;
  long check = 0;
  for (int rep = 0; rep < 3; ++rep) {
    for (int i = 0; i < N; ++i) {
      seed = seed * 6364136223846793005ul + 1442695040888963407ul;
      a[i] = (long)(seed >> 35);
    }
    qsort(a, N, sizeof(long), compare);
    check += a[N / 2] + a[0];
  }
  print("sort", check);
  free(a);
  return 0;
}
