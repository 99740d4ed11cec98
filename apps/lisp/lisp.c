/* lisp: a small Lisp interpreter for the library OS, the runtime of the type-tag experiment.
 *   lisp [-s] [-n N] [-p] FILE      run the program in FILE (from the ramfs: /bench/fib.lisp, ...)
 *   lisp [-s] [-n N] [-p] -e EXPR   run EXPR
 *   lisp [-s] [-n N]                run the embedded demo
 * -s prints a statistics line at the end (fast-path type checks, misses, collections); -n binds
 * the global `scale` (default 1), which the benchmarks size their work by; -p runs the program
 * on every partition (parallel.c: /bench/par-*.lisp). Built
 * twice: `lisp` (software type checks) and `lisp-hw` (type tags, needs --policy types). */
#include "lisp.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unitag/channel.h>
#if LISP_TYPES_HW
#include <unitag/bootinfo.h>
#include <unitag/kernel.h>
val NIL, TRUE;
#endif

static const char kDemo[] =
    "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n"
    "(display \"fib(15) = \") (display (fib 15)) (newline)\n";

void fail(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("error: ", stdout);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
  exit(1);
}

static char* slurp(const char* path) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) fail("cannot open %s", path);
  char* buf = 0;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 1 >= cap) {
      cap = cap ? cap * 2 : 4096;
      buf = realloc(buf, cap);
      if (!buf) fail("out of memory reading %s", path);
    }
    const ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n <= 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = 0;
  return buf;
}

static int g_runtime_ready;

void runtime_init(void) {
  if (g_runtime_ready) return;
  g_runtime_ready = 1;
#if LISP_TYPES_HW
  NIL = unitag_settype(NIL_BITS, T_NIL);
  TRUE = unitag_settype(TRUE_BITS, T_TRUE);
#endif
  builtins_init();
}

void bind_global(const char* name, int64_t value) {
  const val sym = intern(name, (int64_t)strlen(name));
  OBJ(sym, sym)->global = mkint(value);
  OBJ(sym, sym)->bound = 1;
}

/* The -s line; the types suite and the tests read it. */
void print_stats(uint64_t fast_ops, uint64_t type_misses, uint64_t collections) {
  printf("stats: %llu fast-path type checks, %llu misses, %llu collections\n",
         (unsigned long long)fast_ops, (unsigned long long)type_misses,
         (unsigned long long)collections);
}

val run_program(const char* src) {
  push(read_all(src));
  val last = NIL;
  for (val forms = stack[sp - 1]; type_of(forms) == T_CONS; forms = OBJ(forms, cons)->cdr)
    last = eval(OBJ(forms, cons)->car, NIL);
  --sp;
  return last;
}

int main(int argc, char** argv) {
#if LISP_TYPES_HW
  if (!(uk_boot_info()->policies & UNITAG_POLICY_TYPES)) {
    printf("lisp-hw: this build keeps types in tags: run it with --policy types\n");
    return 2;
  }
#endif
  int stats = 0, parallel = 0, arg = 1;
  int64_t scale = 1;
  for (; arg < argc && argv[arg][0] == '-' && strcmp(argv[arg], "-e"); ++arg) {
    if (!strcmp(argv[arg], "-s")) {
      stats = 1;
    } else if (!strcmp(argv[arg], "-p")) {
      parallel = 1;
    } else if (!strcmp(argv[arg], "-n") && arg + 1 < argc && atoi(argv[arg + 1]) > 0) {
      scale = atoi(argv[++arg]);
    } else {
      fail("usage: lisp [-s] [-n N] [-p] [FILE | -e EXPR]");
    }
  }
  const char* src = kDemo;
  if (arg + 1 < argc && !strcmp(argv[arg], "-e")) {
    src = argv[arg + 1];
  } else if (arg < argc) {
    src = slurp(argv[arg]);
  } else if (parallel) {
    fail("lisp -p: give a program (e.g. /bench/par-fib.lisp)");
  }
  if (parallel) {
    /* Partition 0 hands out the shares; the others serve them (their main ends here). */
    if (uk_partition_self() != 0) return 0;
    return run_parallel(src, scale, stats);
  }
  runtime_init();
  bind_global("scale", scale);
  run_program(src);
  fflush(stdout);
  if (stats) print_stats(stat_fast_ops, stat_type_misses, gc_collections);
  return 0;
}
