/* The builtin functions. Arithmetic on two integers takes the fast path, the type check the
 * experiment measures: in the software build a test of the integers' tag bits, in the hardware
 * build a typed ALU instruction whose rule checks the operands' type tags (a miss leaves the
 * result untyped and falls to the generic path, which handles floats and reports errors). */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lisp.h"

uint64_t stat_fast_ops, stat_type_misses;
static int64_t local_units;
int64_t* unit_counter = &local_units;

enum {
  P_ADD,
  P_SUB,
  P_MUL,
  P_DIV,
  P_MOD,
  P_LT,
  P_GT,
  P_LE,
  P_GE,
  P_NUMEQ,
  P_EQ,
  P_EQUAL,
  P_NOT,
  P_CONS,
  P_CAR,
  P_CDR,
  P_SETCAR,
  P_SETCDR,
  P_LIST,
  P_NULLP,
  P_PAIRP,
  P_MAKEVEC,
  P_VREF,
  P_VSET,
  P_VLEN,
  P_MAKETABLE,
  P_TGET,
  P_TSET,
  P_TCOUNT,
  P_TKEYS,
  P_STRAPPEND,
  P_STRLEN,
  P_STRREF,
  P_SUBSTR,
  P_DOWNCASE,
  P_NUM2STR,
  P_READFILE,
  P_DISPLAY,
  P_WRITE,
  P_NEWLINE,
  P_SQRT,
  P_FLOAT,
  P_TRUNCATE,
  P_STRINGP,
  P_NUMBERP,
  P_NEXTUNIT,
  P_LOAD,
  P_COUNT
};
static const char* const kNames[P_COUNT] = {"+",
                                            "-",
                                            "*",
                                            "/",
                                            "mod",
                                            "<",
                                            ">",
                                            "<=",
                                            ">=",
                                            "=",
                                            "eq?",
                                            "equal?",
                                            "not",
                                            "cons",
                                            "car",
                                            "cdr",
                                            "set-car!",
                                            "set-cdr!",
                                            "list",
                                            "null?",
                                            "pair?",
                                            "make-vector",
                                            "vector-ref",
                                            "vector-set!",
                                            "vector-length",
                                            "make-table",
                                            "table-get",
                                            "table-set!",
                                            "table-count",
                                            "table-keys",
                                            "string-append",
                                            "string-length",
                                            "string-ref",
                                            "substring",
                                            "string-downcase",
                                            "number->string",
                                            "read-file",
                                            "display",
                                            "write",
                                            "newline",
                                            "sqrt",
                                            "float",
                                            "truncate",
                                            "string?",
                                            "number?",
                                            "next-unit",
                                            "load"};

void builtins_init(void) {
  static const char* const specials[] = {"quote", "if",    "define", "set!", "lambda",
                                         "let",   "begin", "while",  "and",  "or"};
  val* const slots[] = {&sym_quote, &sym_if,    &sym_define, &sym_set, &sym_lambda,
                        &sym_let,   &sym_begin, &sym_while,  &sym_and, &sym_or};
  for (int i = 0; i < 10; ++i) *slots[i] = intern(specials[i], (int64_t)strlen(specials[i]));
  for (int i = 0; i < P_COUNT; ++i) {
    const val name = intern(kNames[i], (int64_t)strlen(kNames[i]));
    push(name);
    struct prim* p = alloc_obj(T_PRIM, sizeof *p);
    p->id = i;
    p->name = kNames[i];
    OBJ(name, sym)->global = mkobj(&p->h);
    OBJ(name, sym)->bound = 1;
    pop();
  }
}

static void arity(int id, int64_t n, int64_t want) {
  if (n != want) fail("%s: %lld arguments, wants %lld", kNames[id], (long long)n, (long long)want);
}

static int is_number(val v) {
  const unsigned t = type_of(v);
  return t == T_INT || t == T_FLOAT;
}
static double as_double(val v) { return type_of(v) == T_INT ? (double)intv(v) : OBJ(v, flo)->d; }

static void need(int id, val v, unsigned type, const char* what) {
  if (type_of(v) == type) return;
  printf("error: %s: expects %s, got ", kNames[id], what);
  print_val(v, 0);
  putchar('\n');
  fail("type error");
}

/* <, >, <=, >= and = from the sign of a - b. */
static val compared(int id, int sign) {
  switch (id) {
    case P_LT:
      return boolv(sign < 0);
    case P_GT:
      return boolv(sign > 0);
    case P_LE:
      return boolv(sign <= 0);
    case P_GE:
      return boolv(sign >= 0);
    default:
      return boolv(sign == 0);
  }
}

/* The generic path: integers and floats mixed, or a type error. */
static val arith(int id, val a, val b) {
  if (!is_number(a)) need(id, a, T_INT, "numbers");
  if (!is_number(b)) need(id, b, T_INT, "numbers");
  if (type_of(a) == T_INT && type_of(b) == T_INT) {
    const int64_t x = intv(a), y = intv(b);
    switch (id) {
      case P_ADD:
        return mkint(x + y);
      case P_SUB:
        return mkint(x - y);
      case P_MUL:
        return mkint(x * y);
      case P_DIV:
        if (!y) fail("/: division by zero");
        return mkint(x / y);
      case P_MOD:
        if (!y) fail("mod: division by zero");
        return mkint(x % y);
      default:
        return compared(id, (x > y) - (x < y));
    }
  }
  const double x = as_double(a), y = as_double(b);
  switch (id) {
    case P_ADD:
      return mkfloat(x + y);
    case P_SUB:
      return mkfloat(x - y);
    case P_MUL:
      return mkfloat(x * y);
    case P_DIV:
      return mkfloat(x / y);
    case P_MOD:
      return mkfloat(fmod(x, y));
    default:
      if (x != x || y != y) return NIL; /* unordered: every comparison is false */
      return compared(id, (x > y) - (x < y));
  }
}

/* The fast paths of +, - and < on two integers. */
static val fast(int id, val a, val b) {
  ++stat_fast_ops;
#if LISP_TYPES_HW
  const val r = id == P_ADD   ? unitag_tadd(a, b)
                : id == P_SUB ? unitag_tsub(a, b)
                              : unitag_tlt(a, b);
  if (type_of(r) == T_INT) return id == P_LT ? boolv(r != 0) : r;
#else
  if (a & b & 1)
    return id == P_ADD ? a + b - 1 : id == P_SUB ? a - b + 1 : boolv((int64_t)a < (int64_t)b);
#endif
  ++stat_type_misses;
  return arith(id, a, b);
}

static val read_file(val path) {
  const int fd = open(OBJ(path, str)->s, O_RDONLY);
  if (fd < 0) fail("read-file: cannot open %s", OBJ(path, str)->s);
  char* buf = 0;
  int64_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 8192;
      buf = realloc(buf, (size_t)cap);
      if (!buf) fail("read-file: out of memory");
    }
    const ssize_t n = read(fd, buf + len, (size_t)(cap - len));
    if (n <= 0) break;
    len += n;
  }
  close(fd);
  const val s = mkstr(buf, len);
  free(buf);
  return s;
}

static int64_t index_arg(int id, val v, int64_t limit) {
  need(id, v, T_INT, "an integer index");
  const int64_t i = intv(v);
  if (i < 0 || i >= limit) fail("%s: index %lld out of range", kNames[id], (long long)i);
  return i;
}

val call_prim(int id, int64_t n, val* a) {
  switch (id) {
    case P_ADD:
    case P_SUB:
    case P_LT:
      if (n == 2) return fast(id, a[0], a[1]);
      if (id == P_SUB && n == 1) return arith(id, mkint(0), a[0]);
      if (id == P_ADD) {
        val sum = mkint(0);
        for (int64_t i = 0; i < n; ++i) sum = arith(id, sum, a[i]);
        return sum;
      }
      arity(id, n, 2);
      return NIL;
    case P_MUL:
    case P_DIV:
    case P_MOD:
    case P_GT:
    case P_LE:
    case P_GE:
    case P_NUMEQ:
      arity(id, n, 2);
      return arith(id, a[0], a[1]);
    case P_EQ:
      arity(id, n, 2);
      return boolv(type_of(a[0]) == type_of(a[1]) && a[0] == a[1]);
    case P_EQUAL:
      arity(id, n, 2);
      return boolv(values_equal(a[0], a[1]));
    case P_NOT:
      arity(id, n, 1);
      return boolv(!truthy(a[0]));
    case P_CONS:
      arity(id, n, 2);
      return cons(a[0], a[1]);
    case P_CAR:
      arity(id, n, 1);
      need(id, a[0], T_CONS, "a pair");
      return OBJ(a[0], cons)->car;
    case P_CDR:
      arity(id, n, 1);
      need(id, a[0], T_CONS, "a pair");
      return OBJ(a[0], cons)->cdr;
    case P_SETCAR:
      arity(id, n, 2);
      need(id, a[0], T_CONS, "a pair");
      OBJ(a[0], cons)->car = a[1];
      return a[1];
    case P_SETCDR:
      arity(id, n, 2);
      need(id, a[0], T_CONS, "a pair");
      OBJ(a[0], cons)->cdr = a[1];
      return a[1];
    case P_LIST: {
      val l = NIL;
      for (int64_t i = n - 1; i >= 0; --i) l = cons(a[i], l);
      return l;
    }
    case P_NULLP:
      arity(id, n, 1);
      return boolv(type_of(a[0]) == T_NIL);
    case P_PAIRP:
      arity(id, n, 1);
      return boolv(type_of(a[0]) == T_CONS);
    case P_STRINGP:
      arity(id, n, 1);
      return boolv(type_of(a[0]) == T_STR);
    case P_NUMBERP:
      arity(id, n, 1);
      return boolv(is_number(a[0]));
    case P_MAKEVEC:
      arity(id, n, 2);
      need(id, a[0], T_INT, "a length");
      return mkvec(intv(a[0]), a[1]);
    case P_VREF:
      arity(id, n, 2);
      need(id, a[0], T_VEC, "a vector");
      return OBJ(a[0], vec)->items[index_arg(id, a[1], OBJ(a[0], vec)->len)];
    case P_VSET:
      arity(id, n, 3);
      need(id, a[0], T_VEC, "a vector");
      OBJ(a[0], vec)->items[index_arg(id, a[1], OBJ(a[0], vec)->len)] = a[2];
      return a[2];
    case P_VLEN:
      arity(id, n, 1);
      need(id, a[0], T_VEC, "a vector");
      return mkint(OBJ(a[0], vec)->len);
    case P_MAKETABLE:
      arity(id, n, 0);
      return mktable();
    case P_TGET: {
      if (n != 2 && n != 3) arity(id, n, 2);
      need(id, a[0], T_TABLE, "a table");
      int found;
      const val v = table_get(a[0], a[1], &found);
      return found ? v : n == 3 ? a[2] : NIL;
    }
    case P_TSET:
      arity(id, n, 3);
      need(id, a[0], T_TABLE, "a table");
      table_set(a[0], a[1], a[2]);
      return a[2];
    case P_TCOUNT:
      arity(id, n, 1);
      need(id, a[0], T_TABLE, "a table");
      return mkint(OBJ(a[0], table)->count);
    case P_TKEYS: {
      arity(id, n, 1);
      need(id, a[0], T_TABLE, "a table");
      val l = NIL;
      for (int64_t i = OBJ(a[0], table)->cap - 1; i >= 0; --i)
        if (type_of(OBJ(a[0], table)->keys[i]) != T_NIL) l = cons(OBJ(a[0], table)->keys[i], l);
      return l;
    }
    case P_STRAPPEND: {
      int64_t len = 0;
      for (int64_t i = 0; i < n; ++i) {
        need(id, a[i], T_STR, "strings");
        len += OBJ(a[i], str)->len;
      }
      char* buf = malloc((size_t)len + 1);
      if (!buf) fail("string-append: out of memory");
      len = 0;
      for (int64_t i = 0; i < n; ++i) {
        memcpy(buf + len, OBJ(a[i], str)->s, (size_t)OBJ(a[i], str)->len);
        len += OBJ(a[i], str)->len;
      }
      const val s = mkstr(buf, len);
      free(buf);
      return s;
    }
    case P_STRLEN:
      arity(id, n, 1);
      need(id, a[0], T_STR, "a string");
      return mkint(OBJ(a[0], str)->len);
    case P_STRREF:
      arity(id, n, 2);
      need(id, a[0], T_STR, "a string");
      return mkint((unsigned char)OBJ(a[0], str)->s[index_arg(id, a[1], OBJ(a[0], str)->len)]);
    case P_SUBSTR: {
      arity(id, n, 3);
      need(id, a[0], T_STR, "a string");
      const int64_t len = OBJ(a[0], str)->len;
      const int64_t from = index_arg(id, a[1], len + 1), to = index_arg(id, a[2], len + 1);
      if (to < from) fail("substring: end before start");
      char buf[256];
      if (to - from >= (int64_t)sizeof buf) return mkstr(OBJ(a[0], str)->s + from, to - from);
      memcpy(buf, OBJ(a[0], str)->s + from, (size_t)(to - from));
      return mkstr(buf, to - from);
    }
    case P_DOWNCASE: {
      arity(id, n, 1);
      need(id, a[0], T_STR, "a string");
      const int64_t len = OBJ(a[0], str)->len;
      char* c = malloc((size_t)len + 1);
      if (!c) fail("string-downcase: out of memory");
      for (int64_t i = 0; i < len; ++i) {
        const char ch = OBJ(a[0], str)->s[i];
        c[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
      }
      const val s = mkstr(c, len);
      free(c);
      return s;
    }
    case P_NUM2STR: {
      arity(id, n, 1);
      need(id, a[0], T_INT, "an integer");
      char buf[32];
      const int len = snprintf(buf, sizeof buf, "%lld", (long long)intv(a[0]));
      return mkstr(buf, len);
    }
    case P_READFILE:
      arity(id, n, 1);
      need(id, a[0], T_STR, "a path");
      return read_file(a[0]);
    case P_DISPLAY:
    case P_WRITE:
      arity(id, n, 1);
      print_val(a[0], id == P_DISPLAY);
      return NIL;
    case P_NEWLINE:
      arity(id, n, 0);
      putchar('\n');
      return NIL;
    case P_SQRT:
      arity(id, n, 1);
      if (!is_number(a[0])) need(id, a[0], T_FLOAT, "a number");
      return mkfloat(sqrt(as_double(a[0])));
    case P_FLOAT:
      arity(id, n, 1);
      if (!is_number(a[0])) need(id, a[0], T_FLOAT, "a number");
      return mkfloat(as_double(a[0]));
    case P_TRUNCATE:
      arity(id, n, 1);
      if (!is_number(a[0])) need(id, a[0], T_FLOAT, "a number");
      return mkint((int64_t)as_double(a[0]));
    case P_LOAD: {  /* evaluates a file's forms at top level; gives the last one's value */
      arity(id, n, 1);
      need(id, a[0], T_STR, "a path");
      push(read_file(a[0]));  /* the text stays reachable while it is read */
      const val last = run_program(OBJ(stack[sp - 1], str)->s);
      --sp;
      return last;
    }
    case P_NEXTUNIT:
      arity(id, n, 0);
      return mkint(__atomic_fetch_add(unit_counter, 1, __ATOMIC_RELAXED));
    default:
      fail("unknown builtin");
  }
}
