/* Heap use after free: reads through a pointer after freeing it (and after the memory is reused). */
#include <stdlib.h>

#include "tags_rt.h"

struct node {
  long key;
  struct node* next;
};

__attribute__((noinline)) long read_key(const struct node* n) {
  return n->key; /* BUG when n was freed */
}

int main(void) {
  struct node* a = malloc(sizeof *a);
  a->key = 7;
  a->next = 0;
  print("key", read_key(a));
  free(a);
  struct node* b = malloc(sizeof *b); /* likely the same memory, new colour */
  b->key = 9;
  print("stale", read_key(a));
  free(b);
  return 0;
}
