/* Compartment attack: shared code calls the vault's private function (not a gate) through a
   corrupted function pointer, to get the raw key. */
#include "compartment_vault.h"
#include "tags_rt.h"

long signatures_made;
void count_signature(void) { ++signatures_made; }

static long public_answer(void) { return 42; }
long (*volatile handler)(void) = public_answer;

int main(void) {
  print("answer", handler());
  handler = vault_raw_key; /* BUG: a corrupted pointer now names the vault's private code */
  print("key", handler());
  return 0;
}
