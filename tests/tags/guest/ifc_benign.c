/* ifc benign twin: the secret key is copied and used to compute a tag over a public message
   in unlabelled memory (which takes the secret level); only public values, and data labelled
   `internal` by a lattice file (build_stats), are printed; the check's verdict is a branch. */
#include "tags_rt.h"

char signing_key[16] __attribute__((section(".unitag.secret"))) = "k3y-0f-the-vault";
long build_stats[2] = {1729, 4104}; /* labelled internal by tests/tags/ifc_lattice.txt */
long reply[4] __attribute__((section(".unitag.public")));

__attribute__((noinline)) long mac(const char* key, const char* msg, unsigned n) {
  long s = 0;
  for (unsigned i = 0; i < n; ++i) s = s * 131 + (key[i % 16] ^ msg[i]);
  return s;
}

__attribute__((noinline)) void report_verified(void) { bare_puts("verified\n"); }
__attribute__((noinline)) void report_rejected(void) { bare_puts("rejected\n"); }

int main(void) {
  static const char message[] = "transfer 100 to bob";
  char key_copy[16];
  for (unsigned i = 0; i < 16; ++i) key_copy[i] = signing_key[i];
  volatile long tag = mac(key_copy, message, sizeof message - 1);
  const int verified = tag == mac(signing_key, message, sizeof message - 1);
  reply[0] = (long)sizeof message;
  print("message length", reply[0]);
  if (verified) /* a branch on secret data: its verdict is public by design (not tracked) */
    report_verified();
  else
    report_rejected();
  print("stats", build_stats[0] + build_stats[1]);
  return 0;
}
