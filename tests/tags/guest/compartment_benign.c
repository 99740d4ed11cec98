/* Benign twin of the compartment attacks: shared code calls the vault's gate, reads only its
   own (shared) memory, and reuses the stack after the gate returned by writing it first. */
#include "compartment_vault.h"
#include "tags_rt.h"

long signatures_made;
void count_signature(void) { ++signatures_made; }

long public_table[8] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((noinline)) long lookup(int i) { return public_table[i]; }

__attribute__((noinline)) long fresh_locals(void) {
  volatile long buf[16];
  for (int i = 0; i < 16; ++i) buf[i] = i;
  long s = 0;
  for (int i = 0; i < 16; ++i) s += buf[i];
  return s;
}

int main(void) {
  long msg[4] = {10, 20, 30, 40};
  print("sig1", vault_sign(msg, 4) & 0xffffff);
  msg[0] = 11;
  print("sig2", vault_sign(msg, 4) & 0xffffff);
  print("made", signatures_made);
  long sum = 0;
  for (int i = 0; i < 8; ++i) sum += lookup(i);
  print("table", sum);
  print("locals", fresh_locals());
  return 0;
}
