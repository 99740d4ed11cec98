/* A small Lisp for the library OS: the dynamic-language runtime of the type-tag experiment
 * (docs/types.md). Values are one 64-bit word. The software build keeps the type in the word
 * (low bit 1: a 63-bit integer; 2 and 6: nil and t; otherwise a pointer to an object whose header
 * names its type) and checks it with ordinary instructions. The hardware build
 * (LISP_TYPES_HW=1) keeps the type in the word's tag instead (abi/unitag/type_tags.h, the `types`
 * policy): integers are the raw 64 bits, and the checks are tag.typeof and the typed ALU forms. */
#ifndef LISP_H
#define LISP_H

#include <stdint.h>

#ifndef LISP_TYPES_HW
#define LISP_TYPES_HW 0
#endif

#if LISP_TYPES_HW
#include <unitag/type_tags.h>
#endif

typedef uint64_t val;

/* Type numbers are the tag values of the hardware build (1 must be the integer). */
enum type {
  T_INT = 1,
  T_NIL,
  T_TRUE,
  T_FLOAT,
  T_STR,
  T_SYM,
  T_CONS,
  T_TABLE,
  T_VEC,
  T_FUNC,
  T_PRIM,
  T_ENV
};

struct obj {
  uint32_t type, mark;
  struct obj* gc_next;
};
struct flo {
  struct obj h;
  double d;
};
struct str {
  struct obj h;
  int64_t len;
  uint64_t hash;
  char s[];
};
struct sym {
  struct obj h;
  val global;
  int bound;
  struct sym* next_interned;
  char name[];
};
struct cons {
  struct obj h;
  val car, cdr;
};
struct vec {
  struct obj h;
  int64_t len;
  val* items;
};
struct table {
  struct obj h;
  int64_t count, cap;
  val* keys; /* unused slots hold the sentinel `no_key` */
  val* vals;
};
struct func {
  struct obj h;
  val params, body, env;
};
struct prim {
  struct obj h;
  int id;
  const char* name;
};
struct env {
  struct obj h;
  int64_t n;
  val parent;
  val slots[]; /* n symbols, then n values */
};

#if LISP_TYPES_HW
static inline unsigned type_of(val v) { return (unsigned)unitag_typeof(v); }
static inline val mkint(int64_t n) { return unitag_settype((uint64_t)n, T_INT); }
static inline int64_t intv(val v) { return (int64_t)v; }
static inline val mkobj(struct obj* o) { return unitag_settype((uint64_t)o, o->type); }
#define NIL_BITS 0
#define TRUE_BITS 1
extern val NIL, TRUE;
#else
#define NIL ((val)2)
#define TRUE ((val)6)
static inline unsigned type_of(val v) {
  if (v & 1) return T_INT;
  if (v & 2) return v == NIL ? T_NIL : T_TRUE;
  return ((struct obj*)v)->type;
}
static inline val mkint(int64_t n) { return ((uint64_t)n << 1) | 1; }
static inline int64_t intv(val v) { return (int64_t)v >> 1; }
static inline val mkobj(struct obj* o) { return (val)o; }
#endif

#define OBJ(v, T) ((struct T*)(uintptr_t)(v))
static inline int truthy(val v) { return type_of(v) != T_NIL; }
static inline val boolv(int b) { return b ? TRUE : NIL; }

/* Type checks and misses on the arithmetic fast paths (the same code in both builds). */
extern uint64_t stat_fast_ops, stat_type_misses;

/* The GC's root stack: temporaries that live across an allocation are pushed here. */
#define STACK_MAX 65536
extern val stack[STACK_MAX];
extern int64_t sp;
void push(val v);
static inline val pop(void) { return stack[--sp]; }

__attribute__((noreturn)) void fail(const char* fmt, ...);

/* Objects (gc.c). */
void* alloc_obj(unsigned type, uint64_t bytes);
void gc_collect(void);
val cons(val a, val d);
val mkfloat(double d);
val mkstr(const char* s, int64_t len);
val intern(const char* name, int64_t len);
val mktable(void);
val table_get(val t, val key, int* found);
void table_set(val t, val key, val v);
val mkvec(int64_t n, val fill);
extern uint64_t gc_collections;

/* Reader and printer (read.c). */
val read_all(const char* src);
void print_val(val v, int display);
uint64_t value_hash(val v);
int values_equal(val a, val b);

/* The runtime (lisp.c): set up once per partition, a global bound to an integer, a program's
 * forms evaluated in order (the last one's value returned), and a run on every partition. */
void runtime_init(void);
/* What (next-unit) hands out and advances: a counter in channel memory that every partition of
 * a parallel run shares (a work queue), or this run's own. */
extern int64_t* unit_counter;
void bind_global(const char* name, int64_t value);
val run_program(const char* src);
int run_parallel(const char* src, int64_t scale, int stats);
void print_stats(uint64_t fast_ops, uint64_t type_misses, uint64_t collections);

/* Evaluator (eval.c) and builtins (builtins.c). */
val eval(val x, val env);
void builtins_init(void);
val call_prim(int id, int64_t n, val* args);
val car(val v);
val cdr(val v);
extern val sym_quote, sym_if, sym_define, sym_set, sym_lambda, sym_let, sym_begin, sym_while,
    sym_and, sym_or;

#endif
