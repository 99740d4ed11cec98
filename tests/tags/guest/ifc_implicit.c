/* ifc's documented blind spot: an implicit flow. Each bit of the secret chooses, by a branch,
   which of two constant characters is printed; no secret value reaches the UART, so the run is
   clean under ifc and the output spells the key's first byte in binary. */
#include "tags_rt.h"

char signing_key[16] __attribute__((section(".unitag.secret"))) = "k3y-0f-the-vault";

__attribute__((noinline)) void emit_one(void) { bare_putc('1'); }
__attribute__((noinline)) void emit_zero(void) { bare_putc('0'); }

int main(void) {
  bare_puts("leaked ");
  for (int i = 7; i >= 0; --i) {
    if ((signing_key[0] >> i) & 1) /* a branch on the secret: not tracked */
      emit_one();
    else
      emit_zero();
  }
  bare_putc('\n');
  return 0;
}
