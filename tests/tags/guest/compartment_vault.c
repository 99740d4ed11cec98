/* Compartment "vault": a key in private data, a private helper, and one gate. */
#include "compartment_vault.h"

#include "abi/unitag/compartment.h"

/* The key's first word starts with "KEY" so an attack scanning memory can recognise it. */
UNITAG_COMPARTMENT_DATA(vault) long vault_key[4] = {0x4b45590012345678, 0x0badc0ffee15dead,
                                                    0x7777aaaa5555cccc, 0x0123456789abcdef};
UNITAG_COMPARTMENT_BSS(vault) long vault_uses;

UNITAG_COMPARTMENT_CODE(vault) long vault_raw_key(void) { return vault_key[0]; }

UNITAG_COMPARTMENT_CODE(vault) static long mix(long h, long w) {
  h ^= w;
  h *= 0x100000001b3;
  return h ^ (h >> 29);
}

UNITAG_GATE(vault) long vault_sign(const long* msg, int len) {
  /* A private working copy on the vault's own stack frame: the frame is the vault's too. */
  volatile long schedule[8];
  for (int i = 0; i < 8; ++i) schedule[i] = vault_key[i & 3] ^ (long)i;
  long h = vault_raw_key();
  for (int i = 0; i < len; ++i) h = mix(h, msg[i] ^ schedule[i & 7]);
  ++vault_uses;
  count_signature();
  return h ^ vault_uses;
}
