/* Compartment attack: after the gate returned, shared code reads its own uninitialised locals,
   which lie where the vault's frame was and still hold the key schedule the gate left there. */
#include "compartment_vault.h"
#include "tags_rt.h"

long signatures_made;
void count_signature(void) { ++signatures_made; }

__attribute__((noinline)) long stale_locals(void) {
  volatile long buf[16];
  long s = 0;
  for (int i = 0; i < 16; ++i) s ^= buf[i]; /* BUG: reads words it never wrote */
  return s;
}

int main(void) {
  long msg[2] = {1, 2};
  print("sig", vault_sign(msg, 2) & 0xffffff);
  print("stale", stale_locals());
  return 0;
}
