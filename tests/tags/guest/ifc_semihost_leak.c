/* ifc attack: the secret key, mixed into a log line, is written to the console by semihosting
   (SYS_WRITE0): the host's read of the line is refused before any byte leaves. */
#include "tags_rt.h"

enum { kWrite0 = 0x04 };

char signing_key[16] __attribute__((section(".unitag.secret"))) = "k3y-0f-the-vault";

int main(void) {
  char line[32] = "key: ";
  for (unsigned i = 0; i < 16; ++i) line[5 + i] = (char)(signing_key[i] ^ 0x20); /* "encoded" */
  line[21] = '\n';
  line[22] = 0;
  bare_semihost(kWrite0, line); /* BUG */
  return 0;
}
