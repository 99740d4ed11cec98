/* ifc attack: a debug routine prints a buffer that, by a copy, holds the secret key; the first
   store of a key byte into the UART's transmit register is caught. */
#include "tags_rt.h"

char signing_key[16] __attribute__((section(".unitag.secret"))) = "k3y-0f-the-vault";

__attribute__((noinline)) void copy(char* dst, const char* src, unsigned n) {
  for (unsigned i = 0; i < n; ++i) dst[i] = src[i];
}

int main(void) {
  char scratch[17];
  copy(scratch, signing_key, 16); /* the copy is secret too */
  scratch[16] = 0;
  bare_puts("debug: ");
  bare_puts(scratch); /* BUG: the key leaves through the UART */
  bare_putc('\n');
  return 0;
}
