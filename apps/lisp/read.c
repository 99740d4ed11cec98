/* The reader (text to lists, symbols, numbers and strings) and the printer. */
#include <stdio.h>
#include <string.h>

#include "lisp.h"

static const char* at;
static int line = 1;

static void skip_space(void) {
  for (;;) {
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r') line += *at++ == '\n';
    if (*at != ';') return;
    while (*at && *at != '\n') ++at;
  }
}

static int is_delimiter(char c) {
  return !c || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' ||
         c == ';' || c == '"';
}

static val read_expr(void);

static val read_list(void) {
  /* Builds the list in order on the root stack, then conses it from the end. */
  const int64_t base = sp;
  for (;;) {
    skip_space();
    if (!*at) fail("line %d: missing ')'", line);
    if (*at == ')') {
      ++at;
      break;
    }
    push(read_expr());
  }
  val list = NIL;
  while (sp > base) list = cons(stack[sp - 1], list), --sp;
  return list;
}

static val read_string(void) {
  char buf[1024];
  int64_t n = 0;
  for (++at; *at != '"'; ++at) {
    if (!*at) fail("line %d: unterminated string", line);
    char c = *at;
    if (c == '\\') {
      c = *++at;
      if (c == 'n') c = '\n';
      if (c == 't') c = '\t';
    }
    if (n == (int64_t)sizeof buf) fail("line %d: string literal too long", line);
    buf[n++] = c;
  }
  ++at;
  return mkstr(buf, n);
}

static val read_atom(void) {
  const char* start = at;
  while (!is_delimiter(*at)) ++at;
  const int64_t len = at - start;
  const char* p = start;
  int negative = 0;
  if ((*p == '-' || *p == '+') && len > 1) negative = *p++ == '-';
  if (*p >= '0' && *p <= '9') {
    int64_t whole = 0;
    while (p < at && *p >= '0' && *p <= '9') whole = whole * 10 + (*p++ - '0');
    if (p == at) return mkint(negative ? -whole : whole);
    if (*p == '.') {
      double d = (double)whole, scale = 0.1;
      for (++p; p < at && *p >= '0' && *p <= '9'; ++p, scale /= 10) d += (*p - '0') * scale;
      if (p == at) return mkfloat(negative ? -d : d);
    }
    fail("line %d: bad number '%.*s'", line, (int)len, start);
  }
  if (len == 3 && !memcmp(start, "nil", 3)) return NIL;
  if (len == 1 && *start == 't') return TRUE;
  return intern(start, len);
}

static val read_expr(void) {
  skip_space();
  if (!*at) fail("line %d: unexpected end of program", line);
  if (*at == '(') {
    ++at;
    return read_list();
  }
  if (*at == ')') fail("line %d: unexpected ')'", line);
  if (*at == '"') return read_string();
  if (*at == '\'') {
    ++at;
    val quoted = read_expr();
    push(quoted);
    val tail = cons(quoted, NIL);
    sp--;
    return cons(sym_quote, tail);
  }
  return read_atom();
}

val read_all(const char* src) {
  at = src;
  line = 1;
  const int64_t base = sp;
  for (;;) {
    skip_space();
    if (!*at) break;
    push(read_expr());
  }
  val list = NIL;
  while (sp > base) list = cons(stack[sp - 1], list), --sp;
  return list;
}

/* Six significant decimals, done by hand so both builds (and QEMU) print the same digits. */
static void print_float(double d) {
  if (d != d) {
    fputs("nan", stdout);
    return;
  }
  if (d < 0) {
    putchar('-');
    d = -d;
  }
  if (d > 9.2e18) {
    fputs("inf", stdout);
    return;
  }
  uint64_t whole = (uint64_t)d;
  uint64_t frac = (uint64_t)((d - (double)whole) * 1e6 + 0.5);
  if (frac >= 1000000) ++whole, frac -= 1000000;
  printf("%llu.%06llu", (unsigned long long)whole, (unsigned long long)frac);
}

void print_val(val v, int display) {
  switch (type_of(v)) {
    case T_INT:
      printf("%lld", (long long)intv(v));
      break;
    case T_NIL:
      fputs("nil", stdout);
      break;
    case T_TRUE:
      putchar('t');
      break;
    case T_FLOAT:
      print_float(OBJ(v, flo)->d);
      break;
    case T_STR:
      if (display) {
        fwrite(OBJ(v, str)->s, 1, (size_t)OBJ(v, str)->len, stdout);
      } else {
        printf("\"%s\"", OBJ(v, str)->s);
      }
      break;
    case T_SYM:
      fputs(OBJ(v, sym)->name, stdout);
      break;
    case T_CONS:
      putchar('(');
      for (;;) {
        print_val(OBJ(v, cons)->car, display);
        v = OBJ(v, cons)->cdr;
        if (type_of(v) != T_CONS) break;
        putchar(' ');
      }
      if (type_of(v) != T_NIL) {
        fputs(" . ", stdout);
        print_val(v, display);
      }
      putchar(')');
      break;
    case T_VEC:
      printf("#<vector %lld>", (long long)OBJ(v, vec)->len);
      break;
    case T_TABLE:
      printf("#<table %lld>", (long long)OBJ(v, table)->count);
      break;
    case T_FUNC:
      fputs("#<lambda>", stdout);
      break;
    case T_PRIM:
      printf("#<builtin %s>", OBJ(v, prim)->name);
      break;
    default:
      fputs("#<?>", stdout);
  }
}

uint64_t value_hash(val v) {
  switch (type_of(v)) {
    case T_INT:
      return (uint64_t)intv(v) * 0x9e3779b97f4a7c15ull >> 16;
    case T_STR:
      return OBJ(v, str)->hash;
    case T_FLOAT: {
      const double d = OBJ(v, flo)->d;
      uint64_t bits;
      memcpy(&bits, &d, sizeof bits);
      return bits * 0x9e3779b97f4a7c15ull >> 16;
    }
    default:
      return (uint64_t)v * 0x9e3779b97f4a7c15ull >> 16;
  }
}

int values_equal(val a, val b) {
  const unsigned ta = type_of(a), tb = type_of(b);
  if (ta != tb) return 0;
  if (ta == T_STR)
    return OBJ(a, str)->len == OBJ(b, str)->len &&
           !memcmp(OBJ(a, str)->s, OBJ(b, str)->s, (size_t)OBJ(a, str)->len);
  if (ta == T_FLOAT) return OBJ(a, flo)->d == OBJ(b, flo)->d;
  return a == b;
}
