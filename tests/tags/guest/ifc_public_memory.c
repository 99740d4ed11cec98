/* ifc attack: a reply buffer labelled public (section .unitag.public: only public data may be
   stored there) receives a value derived from the secret key. */
#include "tags_rt.h"

char signing_key[16] __attribute__((section(".unitag.secret"))) = "k3y-0f-the-vault";
long reply[4] __attribute__((section(".unitag.public"))) = {1, 2, 3, 4};

__attribute__((noinline)) long checksum(const char* p, unsigned n) {
  long s = 0;
  for (unsigned i = 0; i < n; ++i) s = s * 131 + p[i];
  return s;
}

int main(void) {
  reply[0] = 42;                           /* public data: fine */
  reply[1] = checksum(signing_key, 16);    /* BUG: a function of the key into public memory */
  print("reply", reply[0] + reply[1]);
  return 0;
}
