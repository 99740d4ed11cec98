/* The evaluator: special forms, environments and calls, with tail calls in a loop (if, begin,
 * let, bodies) so that loops written as tail recursion run in constant C stack. Temporaries
 * live on the root stack (lisp.h), where the collector finds them. */
#include "lisp.h"

val sym_quote, sym_if, sym_define, sym_set, sym_lambda, sym_let, sym_begin, sym_while, sym_and,
    sym_or;

val car(val v) {
  if (type_of(v) != T_CONS) fail("car: not a pair");
  return OBJ(v, cons)->car;
}
val cdr(val v) {
  if (type_of(v) != T_CONS) fail("cdr: not a pair");
  return OBJ(v, cons)->cdr;
}

static val* binding(val name, val env) {
  for (; type_of(env) == T_ENV; env = OBJ(env, env)->parent) {
    struct env* e = OBJ(env, env);
    for (int64_t i = 0; i < e->n; ++i)
      if (e->slots[i] == name) return &e->slots[e->n + i];
  }
  return 0;
}

static val lookup(val name, val env) {
  val* b = binding(name, env);
  if (b) return *b;
  if (!OBJ(name, sym)->bound) fail("unbound variable %s", OBJ(name, sym)->name);
  return OBJ(name, sym)->global;
}

static int64_t list_length(val l) {
  int64_t n = 0;
  for (; type_of(l) == T_CONS; l = OBJ(l, cons)->cdr) ++n;
  return n;
}

/* A new frame binding `names` (a list of symbols) to the n values at stack[first]. */
static val make_env(val names, int64_t first, int64_t n, val parent) {
  push(names);
  push(parent);
  struct env* e = alloc_obj(T_ENV, sizeof *e + 2 * (uint64_t)n * sizeof(val));
  parent = pop();
  names = pop();
  e->n = n;
  e->parent = parent;
  for (int64_t i = 0; i < n; ++i, names = OBJ(names, cons)->cdr) {
    e->slots[i] = OBJ(names, cons)->car;
    e->slots[n + i] = stack[first + i];
  }
  return mkobj(&e->h);
}

/* Evaluates all but the last expression of `body`; returns the last (for the caller's tail
 * loop), or nil for an empty body. */
static val all_but_last(val body, val env, int64_t slot) {
  stack[slot] = body;
  while (type_of(body) == T_CONS && type_of(OBJ(body, cons)->cdr) == T_CONS) {
    eval(OBJ(body, cons)->car, env);
    body = stack[slot] = OBJ(stack[slot], cons)->cdr;
  }
  return type_of(body) == T_CONS ? OBJ(body, cons)->car : NIL;
}

val eval(val x, val env) {
  const int64_t base = sp;
  push(x);   /* stack[base]: the expression */
  push(env); /* stack[base + 1]: its environment */
  push(NIL); /* stack[base + 2]: scratch */
  val result;
  for (;;) {
    x = stack[base];
    env = stack[base + 1];
    const unsigned t = type_of(x);
    if (t == T_SYM) {
      result = lookup(x, env);
      break;
    }
    if (t != T_CONS) {
      result = x;
      break;
    }
    const val op = OBJ(x, cons)->car;
    const val rest = OBJ(x, cons)->cdr;
    if (op == sym_quote) {
      result = car(rest);
      break;
    }
    if (op == sym_if) {
      const val test = eval(car(rest), env);
      x = stack[base];
      const val branches = cdr(OBJ(x, cons)->cdr);
      if (truthy(test)) {
        stack[base] = car(branches);
      } else {
        const val otherwise = cdr(branches);
        if (type_of(otherwise) != T_CONS) {
          result = NIL;
          break;
        }
        stack[base] = OBJ(otherwise, cons)->car;
      }
      continue;
    }
    if (op == sym_define) {
      val target = car(rest);
      if (type_of(target) == T_CONS) { /* (define (name . params) body...) */
        struct func* f = alloc_obj(T_FUNC, sizeof *f);
        x = stack[base];
        target = OBJ(OBJ(x, cons)->cdr, cons)->car;
        f->params = OBJ(target, cons)->cdr;
        f->body = OBJ(OBJ(x, cons)->cdr, cons)->cdr;
        f->env = stack[base + 1];
        result = mkobj(&f->h);
        target = OBJ(target, cons)->car;
      } else {
        result = eval(car(cdr(rest)), env);
        target = car(OBJ(stack[base], cons)->cdr);
      }
      if (type_of(target) != T_SYM) fail("define: not a name");
      OBJ(target, sym)->global = result;
      OBJ(target, sym)->bound = 1;
      break;
    }
    if (op == sym_set) {
      result = eval(car(cdr(rest)), env);
      const val name = car(OBJ(stack[base], cons)->cdr);
      val* b = binding(name, stack[base + 1]);
      if (b) {
        *b = result;
      } else if (type_of(name) == T_SYM && OBJ(name, sym)->bound) {
        OBJ(name, sym)->global = result;
      } else {
        fail("set!: unbound variable");
      }
      break;
    }
    if (op == sym_lambda) {
      struct func* f = alloc_obj(T_FUNC, sizeof *f);
      x = stack[base];
      f->params = car(OBJ(x, cons)->cdr);
      f->body = cdr(OBJ(x, cons)->cdr);
      f->env = stack[base + 1];
      result = mkobj(&f->h);
      break;
    }
    if (op == sym_begin) {
      stack[base] = all_but_last(rest, env, base + 2);
      continue;
    }
    if (op == sym_while) {
      for (;;) {
        x = stack[base];
        if (!truthy(eval(car(OBJ(x, cons)->cdr), stack[base + 1]))) break;
        for (val body = cdr(OBJ(stack[base], cons)->cdr); type_of(body) == T_CONS;
             body = OBJ(stack[base + 2], cons)->cdr) {
          stack[base + 2] = body;
          eval(OBJ(body, cons)->car, stack[base + 1]);
        }
      }
      result = NIL;
      break;
    }
    if (op == sym_and || op == sym_or) {
      result = op == sym_and ? TRUE : NIL;
      for (stack[base + 2] = rest; type_of(stack[base + 2]) == T_CONS;
           stack[base + 2] = OBJ(stack[base + 2], cons)->cdr) {
        result = eval(OBJ(stack[base + 2], cons)->car, stack[base + 1]);
        if (truthy(result) != (op == sym_and)) break;
      }
      break;
    }
    if (op == sym_let) { /* (let ((name expr)...) body...) */
      const int64_t first = sp;
      for (val b = car(rest); type_of(b) == T_CONS; b = OBJ(stack[base + 2], cons)->cdr) {
        stack[base + 2] = b;
        push(eval(car(cdr(OBJ(b, cons)->car)), stack[base + 1]));
      }
      val names = NIL;
      for (val b = car(OBJ(stack[base], cons)->cdr); type_of(b) == T_CONS; b = OBJ(b, cons)->cdr)
        names = cons(car(OBJ(b, cons)->car), names); /* reversed: bound from the end below */
      const int64_t n = sp - first;
      for (int64_t i = 0; i < n / 2; ++i) { /* reverse the values to match the names */
        const val tmp = stack[first + i];
        stack[first + i] = stack[first + n - 1 - i];
        stack[first + n - 1 - i] = tmp;
      }
      stack[base + 1] = make_env(names, first, n, stack[base + 1]);
      sp = first;
      stack[base] = all_but_last(cdr(OBJ(stack[base], cons)->cdr), stack[base + 1], base + 2);
      continue;
    }
    /* A call: the function, then the arguments, on the root stack. */
    const int64_t first = sp;
    push(eval(op, env));
    for (val a = OBJ(stack[base], cons)->cdr; type_of(a) == T_CONS;
         a = OBJ(stack[base + 2], cons)->cdr) {
      stack[base + 2] = a;
      push(eval(OBJ(a, cons)->car, stack[base + 1]));
    }
    const val f = stack[first];
    const int64_t n = sp - first - 1;
    const unsigned ft = type_of(f);
    if (ft == T_PRIM) {
      result = call_prim(OBJ(f, prim)->id, n, &stack[first + 1]);
      sp = first;
      break;
    }
    if (ft != T_FUNC) fail("call of a non-function");
    const val params = OBJ(f, func)->params;
    if (list_length(params) != n) fail("wrong number of arguments: %lld given", (long long)n);
    stack[base + 1] = make_env(params, first + 1, n, OBJ(f, func)->env);
    stack[base + 2] = OBJ(stack[first], func)->body;
    sp = first;
    stack[base] = all_but_last(stack[base + 2], stack[base + 1], base + 2);
  }
  sp = base;
  return result;
}
