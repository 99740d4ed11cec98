/* Lengths and offsets computed as pointer differences inside one object, then used to index
   another object (a global table, another allocation): e.g. `path + strlen(dir)`. A pointer
   difference is an integer, so the second access must not be judged by the first object's colour
   (the heap policy once gave `end - start` the buffer's colour: a false positive). */
#include <stdlib.h>
#include <string.h>

#include "tags_rt.h"

static const char kNames[] = "alpha/beta/gamma/delta/epsilon";

/* Length of the first path component of s, as `end - s`. */
__attribute__((noinline)) size_t component_length(const char* s) {
  const char* end = s;
  while (*end && *end != '/') ++end;
  return (size_t)(end - s);
}

int main(void) {
  char* dir = malloc(16);
  strcpy(dir, "gamma");
  long total = 0;
  /* The length of a heap string indexes a global (as ramfs's below() does). */
  total += kNames[strlen(dir)];
  total += kNames[component_length(dir) + 6];
  /* And another heap object. */
  long* values = malloc(32 * sizeof(long));
  for (int i = 0; i < 32; ++i) values[i] = i * 3;
  const char* slash = strchr(kNames, '/');
  total += values[slash - kNames];              /* global - global */
  total += values[component_length(dir) + 10];  /* heap - heap */
  print("total", total);
  free(values);
  free(dir);
  return 0;
}
