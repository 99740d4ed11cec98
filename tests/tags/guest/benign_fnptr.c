/* Benign: calls through function pointers, a dispatch table and a dense switch (jump table). */
#include <stdint.h>

#include "tags_rt.h"

static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long (*const ops[])(long, long) = {add, sub, mul};

__attribute__((noinline)) long classify(int c) {
  switch (c) { /* dense enough for a jump table */
    case 0: return 11;
    case 1: return 23;
    case 2: return 35;
    case 3: return 47;
    case 4: return 59;
    case 5: return 61;
    case 6: return 73;
    case 7: return 89;
    default: return 0;
  }
}

struct visitor {
  long (*visit)(struct visitor*, long);
  long state;
};
static long accumulate(struct visitor* v, long x) { return v->state += x; }

int main(void) {
  long acc = 1;
  struct visitor v = {accumulate, 0};
  for (int i = 0; i < 3000; ++i) {
    acc = ops[i % 3](acc, i % 7 + 1) % 1000003;
    acc += classify((int)(tags_sink + i) % 9);
    v.visit(&v, acc & 15);
  }
  print("acc", acc);
  print("visitor", v.state);
  return 0;
}
