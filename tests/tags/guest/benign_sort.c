/* Benign: qsort (indirect comparator calls) and a merge sort with malloc'd scratch arrays. */
#include <stdlib.h>

#include "tags_rt.h"

static unsigned long seed = 12345;
static long next_random(void) {
  seed = seed * 6364136223846793005ul + 1442695040888963407ul;
  return (long)(seed >> 33);
}

static int compare_longs(const void* a, const void* b) {
  const long x = *(const long*)a, y = *(const long*)b;
  return x < y ? -1 : x > y;
}

static void merge_sort(long* a, int n) {
  if (n < 2) return;
  const int h = n / 2;
  merge_sort(a, h);
  merge_sort(a + h, n - h);
  long* tmp = malloc(n * sizeof(long));
  int i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  for (k = 0; k < n; ++k) a[k] = tmp[k];
  free(tmp);
}

int main(void) {
  enum { N = 3000 };
  long* a = malloc(N * sizeof(long));
  long* b = calloc(N, sizeof(long));
  for (int i = 0; i < N; ++i) a[i] = b[i] = next_random() % 100000;
  qsort(a, N, sizeof(long), compare_longs);
  merge_sort(b, N);
  long mismatches = 0, checksum = 0;
  for (int i = 0; i < N; ++i) {
    mismatches += a[i] != b[i] || (i && a[i - 1] > a[i]);
    checksum = checksum * 31 + a[i];
  }
  print("mismatches", mismatches);
  print("checksum", checksum & 0xffffff);
  free(a);
  free(b);
  return (int)mismatches;
}
