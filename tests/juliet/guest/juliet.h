/* Support for the Juliet-style heap cases (tests/juliet): our own code in the shape of NIST's
   Juliet C/C++ suite (one flaw per bad function, the same work done right in the good one).
   Sizes and values reach the sinks through juliet_n(), defined in another translation unit, so
   the compiler cannot fold the flaw away or turn library calls into inline code. */
#ifndef JULIET_H
#define JULIET_H

#include <alloca.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct {
  int intOne;
  int intTwo;
} two_ints;

/* n, opaque to the optimiser (a value from "outside", like Juliet's sources). */
size_t juliet_n(size_t n);
/* Consumes `bytes` bytes at p (prints a checksum), so stores into a buffer are not dead. */
void juliet_use(const void* p, size_t bytes);
/* Fills an array of n elements with a non-zero pattern; the string forms write n-1 'A's and a
   terminator. */
void juliet_fill(void* p, size_t bytes);
void juliet_fill_string(char* s, size_t n);
void juliet_fill_wstring(wchar_t* s, size_t n);

struct juliet_case {
  const char* name;
  void (*bad)(void);
  void (*good)(void);
};
/* Defined by each generated family file. */
extern const struct juliet_case juliet_cases[];
extern const size_t juliet_case_count;

#define JULIET_FN __attribute__((noipa, used))

#endif
