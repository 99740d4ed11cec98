/* Objects and the mark-and-sweep collector. Every object is on one list; a collection marks
 * from the roots (interned symbols and their global values, the root stack) and frees the rest.
 * Collections happen inside allocation, so every value that must survive one is reachable from
 * a root: the evaluator pushes its temporaries on the root stack. */
#include <stdlib.h>
#include <string.h>

#include "lisp.h"

val stack[STACK_MAX];
int64_t sp;
uint64_t gc_collections;
static struct obj* all_objects;
static uint64_t allocated_since_gc, gc_threshold = 128 << 10;
extern struct sym* interned[1024];

void push(val v) {
  if (sp >= STACK_MAX) fail("stack overflow (recursion too deep)");
  stack[sp++] = v;
}

void* alloc_obj(unsigned type, uint64_t bytes) {
  allocated_since_gc += bytes;
  if (allocated_since_gc > gc_threshold) gc_collect();
  struct obj* o = calloc(1, bytes);
  if (!o) fail("out of memory");
  o->type = type;
  o->gc_next = all_objects;
  all_objects = o;
  return o;
}

static int is_object(val v) {
  const unsigned t = type_of(v);
  return t >= T_FLOAT;
}

/* Marks iteratively along cdrs and through an explicit work list (deep lists and trees). */
static val* work;
static int64_t work_len, work_cap;
static void mark_later(val v) {
  if (!is_object(v) || OBJ(v, obj)->mark) return;
  OBJ(v, obj)->mark = 1;
  if (work_len == work_cap) {
    work_cap = work_cap ? work_cap * 2 : 4096;
    val* grown = malloc((uint64_t)work_cap * sizeof(val));
    if (!grown) fail("out of memory (collector)");
    for (int64_t i = 0; i < work_len; ++i) grown[i] = work[i];
    free(work);
    work = grown;
  }
  work[work_len++] = v;
}

static void trace(val v) {
  switch (type_of(v)) {
    case T_CONS:
      mark_later(OBJ(v, cons)->car);
      mark_later(OBJ(v, cons)->cdr);
      break;
    case T_SYM:
      if (OBJ(v, sym)->bound) mark_later(OBJ(v, sym)->global);
      break;
    case T_VEC:
      for (int64_t i = 0; i < OBJ(v, vec)->len; ++i) mark_later(OBJ(v, vec)->items[i]);
      break;
    case T_TABLE: {
      struct table* t = OBJ(v, table);
      for (int64_t i = 0; i < t->cap; ++i) {
        mark_later(t->keys[i]);
        mark_later(t->vals[i]);
      }
      break;
    }
    case T_FUNC:
      mark_later(OBJ(v, func)->params);
      mark_later(OBJ(v, func)->body);
      mark_later(OBJ(v, func)->env);
      break;
    case T_ENV: {
      struct env* e = OBJ(v, env);
      mark_later(e->parent);
      for (int64_t i = 0; i < 2 * e->n; ++i) mark_later(e->slots[i]);
      break;
    }
    default:
      break;
  }
}

static void free_obj(struct obj* o) {
  if (o->type == T_VEC) free(((struct vec*)o)->items);
  if (o->type == T_TABLE) {
    free(((struct table*)o)->keys);
    free(((struct table*)o)->vals);
  }
  free(o);
}

void gc_collect(void) {
  ++gc_collections;
  for (int i = 0; i < 1024; ++i)
    for (struct sym* s = interned[i]; s; s = s->next_interned) mark_later(mkobj(&s->h));
  for (int64_t i = 0; i < sp; ++i) mark_later(stack[i]);
  while (work_len) trace(work[--work_len]);
  uint64_t live = 0;
  for (struct obj **p = &all_objects, *o; (o = *p);) {
    if (o->mark) {
      o->mark = 0;
      ++live;
      p = &o->gc_next;
    } else {
      *p = o->gc_next;
      free_obj(o);
    }
  }
  allocated_since_gc = 0;
  /* Grow with the live set, so a program with much live data does not collect constantly. */
  if (live * 64 > gc_threshold) gc_threshold = live * 64;
}

val cons(val a, val d) {
  push(a);
  push(d);
  struct cons* c = alloc_obj(T_CONS, sizeof *c);
  c->cdr = pop();
  c->car = pop();
  return mkobj(&c->h);
}

val mkfloat(double d) {
  struct flo* f = alloc_obj(T_FLOAT, sizeof *f);
  f->d = d;
  return mkobj(&f->h);
}

static uint64_t hash_bytes(const char* s, int64_t n) {
  uint64_t h = 1469598103934665603ull;
  for (int64_t i = 0; i < n; ++i) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

val mkstr(const char* s, int64_t len) {
  struct str* o = alloc_obj(T_STR, sizeof *o + (uint64_t)len + 1);
  memcpy(o->s, s, (size_t)len);
  o->s[len] = 0;
  o->len = len;
  o->hash = hash_bytes(s, len);
  return mkobj(&o->h);
}

struct sym* interned[1024];
val intern(const char* name, int64_t len) {
  const uint64_t h = hash_bytes(name, len) % 1024;
  for (struct sym* s = interned[h]; s; s = s->next_interned)
    if ((int64_t)strlen(s->name) == len && !memcmp(s->name, name, (size_t)len)) return mkobj(&s->h);
  struct sym* s = alloc_obj(T_SYM, sizeof *s + (uint64_t)len + 1);
  memcpy(s->name, name, (size_t)len);
  s->name[len] = 0;
  s->global = NIL;
  s->next_interned = interned[h];
  interned[h] = s;
  return mkobj(&s->h);
}

val mkvec(int64_t n, val fill) {
  if (n < 0) fail("make-vector: negative length");
  push(fill);
  struct vec* v = alloc_obj(T_VEC, sizeof *v);
  v->items = malloc((uint64_t)(n ? n : 1) * sizeof(val));
  if (!v->items) fail("out of memory");
  v->len = n;
  fill = pop();
  for (int64_t i = 0; i < n; ++i) v->items[i] = fill;
  return mkobj(&v->h);
}

/* Hash tables: open addressing, keys compared with values_equal (numbers, strings by content). */
static val no_key;
static void table_alloc(struct table* t, int64_t cap) {
  t->cap = cap;
  t->keys = malloc((uint64_t)cap * sizeof(val));
  t->vals = malloc((uint64_t)cap * sizeof(val));
  if (!t->keys || !t->vals) fail("out of memory");
  for (int64_t i = 0; i < cap; ++i) t->keys[i] = t->vals[i] = no_key;
}

val mktable(void) {
  no_key = NIL;
  struct table* t = alloc_obj(T_TABLE, sizeof *t);
  table_alloc(t, 8);
  return mkobj(&t->h);
}

static int64_t slot_of(struct table* t, val key) {
  int64_t i = (int64_t)(value_hash(key) & (uint64_t)(t->cap - 1));
  while (type_of(t->keys[i]) != T_NIL && !values_equal(t->keys[i], key)) i = (i + 1) & (t->cap - 1);
  return i;
}

val table_get(val tv, val key, int* found) {
  struct table* t = OBJ(tv, table);
  const int64_t i = slot_of(t, key);
  *found = type_of(t->keys[i]) != T_NIL;
  return *found ? t->vals[i] : NIL;
}

void table_set(val tv, val key, val v) {
  if (type_of(key) == T_NIL) fail("table-set!: nil cannot be a key");
  struct table* t = OBJ(tv, table);
  if ((t->count + 1) * 4 > t->cap * 3) {
    val* keys = t->keys;
    val* vals = t->vals;
    const int64_t cap = t->cap;
    table_alloc(t, cap * 2);
    for (int64_t i = 0; i < cap; ++i)
      if (type_of(keys[i]) != T_NIL) {
        const int64_t j = slot_of(t, keys[i]);
        t->keys[j] = keys[i];
        t->vals[j] = vals[i];
      }
    free(keys);
    free(vals);
  }
  const int64_t i = slot_of(t, key);
  if (type_of(t->keys[i]) == T_NIL) ++t->count;
  t->keys[i] = key;
  t->vals[i] = v;
}
