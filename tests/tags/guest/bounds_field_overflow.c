/* Intra-object overflow: a 20-character name copied into a 16-byte field runs into the
   balance that follows it in the same heap block. heap sees one colour for the whole block and
   misses it; bounds, with the field narrowed, catches the first byte past the field. */
#include <stdlib.h>

#include "bounds_guest.h"

int main(void) {
  struct account* a = calloc(1, sizeof *a);
  a->balance = 100;
  copy_name(account_name(a), "mallory-the-attacker"); /* BUG: 21 bytes into name[16] */
  print("balance", a->balance);
  free(a);
  return 0;
}
