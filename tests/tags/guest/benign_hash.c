/* Benign: a chained hash table with many small allocations, deletions, realloc'd growth. */
#include <stdlib.h>
#include <string.h>

#include "tags_rt.h"

struct entry {
  unsigned long key;
  long value;
  struct entry* next;
};

struct table {
  struct entry** buckets;
  unsigned long size, count;
};

static unsigned long hash(unsigned long k) { return (k * 0x9e3779b97f4a7c15ul) >> 20; }

static void grow(struct table* t) {
  const unsigned long n = t->size * 2;
  struct entry** fresh = calloc(n, sizeof *fresh);
  for (unsigned long i = 0; i < t->size; ++i) {
    for (struct entry* e = t->buckets[i]; e;) {
      struct entry* next = e->next;
      e->next = fresh[hash(e->key) % n];
      fresh[hash(e->key) % n] = e;
      e = next;
    }
  }
  free(t->buckets);
  t->buckets = fresh;
  t->size = n;
}

static void put(struct table* t, unsigned long key, long value) {
  if (t->count > t->size) grow(t);
  struct entry* e = malloc(sizeof *e);
  e->key = key;
  e->value = value;
  e->next = t->buckets[hash(key) % t->size];
  t->buckets[hash(key) % t->size] = e;
  ++t->count;
}

static struct entry* find(struct table* t, unsigned long key) {
  for (struct entry* e = t->buckets[hash(key) % t->size]; e; e = e->next)
    if (e->key == key) return e;
  return 0;
}

static void erase(struct table* t, unsigned long key) {
  struct entry** link = &t->buckets[hash(key) % t->size];
  for (struct entry* e = *link; e; link = &e->next, e = e->next) {
    if (e->key == key) {
      *link = e->next;
      free(e);
      --t->count;
      return;
    }
  }
}

int main(void) {
  struct table t = {calloc(8, sizeof(struct entry*)), 8, 0};
  enum { N = 4000 };
  for (unsigned long k = 0; k < N; ++k) put(&t, k * 7 + 1, (long)k);
  for (unsigned long k = 0; k < N; k += 2) erase(&t, k * 7 + 1);
  long found = 0, sum = 0;
  for (unsigned long k = 0; k < N; ++k) {
    struct entry* e = find(&t, k * 7 + 1);
    if (e) {
      ++found;
      sum += e->value;
    }
  }
  char* names = malloc(16);
  size_t cap = 16, len = 0;
  for (int i = 0; i < 200; ++i) { /* a growing string buffer: realloc */
    if (len + 8 > cap) names = realloc(names, cap *= 2);
    memcpy(names + len, "entry;", 6);
    len += 6;
  }
  for (unsigned long i = 0; i < t.size; ++i)
    for (struct entry* e = t.buckets[i]; e;) {
      struct entry* next = e->next;
      free(e);
      e = next;
    }
  free(t.buckets);
  free(names);
  print("found", found);
  print("sum", sum);
  print("length", (long)len);
  return found == N / 2 ? 0 : 1;
}
