#include "tags_rt.h"

#include <stdint.h>

volatile uintptr_t tags_sink;

void print(const char* label, int64_t value) {
  bare_puts(label);
  bare_putc(' ');
  bare_put_dec(value);
  bare_putc('\n');
}
