/* Compartment attack: a Heartbleed-style over-read from shared code. echo() copies as many words
   from a shared table as the request asks for; a large request runs past the table, through the
   rest of the image's data, into the vault's key. */
#include "compartment_vault.h"
#include "tags_rt.h"

long signatures_made;
void count_signature(void) { ++signatures_made; }

long public_table[8] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((noinline)) long echo(long* out, int words) {
  long found = -1;
  for (int i = 0; i < words; ++i) {
    out[i] = public_table[i]; /* BUG: words is not checked against the table's size */
    if ((out[i] >> 40) == 0x4b4559) found = i;
  }
  return found;
}

static long reply[4096];

int main(void) {
  long msg[2] = {1, 2};
  print("sig", vault_sign(msg, 2) & 0xffffff);
  const long at = echo(reply, 4096);
  print("key found at word", at);
  if (at >= 0) print("leaked key", reply[at]);
  return 0;
}
