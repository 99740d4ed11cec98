/* Compute workload: integer matrix multiply on malloc'd matrices. */
#include <stdlib.h>

#include "tags_rt.h"

int main(void) {
  enum { N = 96 };
  long* a = malloc(N * N * sizeof(long));
  long* b = malloc(N * N * sizeof(long));
  long* c = calloc(N * N, sizeof(long));
  for (int i = 0; i < N * N; ++i) {
    a[i] = i % 17;
    b[i] = i % 13;
  }
  for (int rep = 0; rep < 4; ++rep)
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < N; ++k) {
        const long x = a[i * N + k];
        for (int j = 0; j < N; ++j) c[i * N + j] += x * b[k * N + j];
      }
  long sum = 0;
  for (int i = 0; i < N * N; ++i) sum += c[i];
  print("matmul", sum);
  free(a);
  free(b);
  free(c);
  return 0;
}
