/* Benign: deep recursion, and a binary tree built and walked recursively. */
#include <stdlib.h>

#include "tags_rt.h"

struct tree {
  struct tree *left, *right;
  long value;
};

static struct tree* build(int depth, long* counter) {
  if (depth == 0) return 0;
  struct tree* t = malloc(sizeof *t);
  t->value = (*counter)++;
  t->left = build(depth - 1, counter);
  t->right = build(depth - 1, counter);
  return t;
}

static long walk(const struct tree* t) { return t ? t->value + walk(t->left) + walk(t->right) : 0; }

static void destroy(struct tree* t) {
  if (!t) return;
  destroy(t->left);
  destroy(t->right);
  free(t);
}

static long ackermann(long m, long n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

int main(void) {
  long counter = 0;
  struct tree* t = build(12, &counter);
  print("tree", walk(t));
  destroy(t);
  print("ackermann", ackermann(2, 300));
  return 0;
}
