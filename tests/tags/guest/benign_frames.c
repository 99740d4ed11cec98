/* Benign: locals passed by address down several levels, written and read by callees; alloca
   and VLAs; a variadic function with stack-passed arguments (va_list walks into the caller's
   frame); the address of a stack-passed parameter; deep recursion through frame pointers. */
#include <alloca.h>
#include <stdarg.h>

#include "tags_rt.h"

volatile int vla_size = 37;

__attribute__((noinline)) void level3(long* acc, long* vec, int n) {
  for (int i = 0; i < n; ++i) *acc += vec[i];
  vec[0] = *acc;
}

__attribute__((noinline)) void level2(long* acc, long* vec, int n) {
  long local[8];
  for (int i = 0; i < 8; ++i) local[i] = vec[i % n] + i;
  level3(acc, local, 8);
  level3(acc, vec, n);
}

__attribute__((noinline)) long level1(int n) {
  long acc = 0;
  long vec[16];
  for (int i = 0; i < 16; ++i) vec[i] = i * i;
  level2(&acc, vec, n);
  return acc + vec[0];
}

__attribute__((noinline)) long with_vla(int n) {
  long vla[n];
  long* scratch = alloca(n * sizeof(long));
  for (int i = 0; i < n; ++i) vla[i] = i, scratch[i] = 2 * i;
  long acc = 0;
  level3(&acc, vla, n);
  level3(&acc, scratch, n);
  for (int k = 1; k < 4; ++k) {
    long* more = alloca(k * 16 * sizeof(long));
    for (int i = 0; i < k * 16; ++i) more[i] = i + k;
    level3(&acc, more, k * 16);
  }
  return acc;
}

__attribute__((noinline)) long sum_all(int count, ...) {
  va_list ap;
  va_start(ap, count);
  long s = 0;
  for (int i = 0; i < count; ++i) s += va_arg(ap, long);
  va_end(ap);
  return s;
}

__attribute__((noinline)) long many(long a0, long a1, long a2, long a3, long a4, long a5, long a6,
                                    long a7, long a8, long a9, long a10) {
  const long* volatile p = &a9; /* stack-passed parameters, by address */
  const long* volatile q = &a10;
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + *p + *q;
}

__attribute__((noinline)) long walk(long* up, int depth) {
  long here = *up + depth;
  if (depth == 0) return here;
  return walk(&here, depth - 1) + here;
}

int main(void) {
  print("nested", level1(5));
  print("vla", with_vla(vla_size));
  print("varargs", sum_all(14, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L));
  print("many", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
  long root = 1;
  print("walk", walk(&root, 100));
  return 0;
}
