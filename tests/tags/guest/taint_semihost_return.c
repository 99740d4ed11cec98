/* taint attack (sink: return): a semihosting read of 64 bytes into a 16-byte stack buffer
   overwrites the saved return address with bytes from a host file; the return is caught. */
#include "tags_rt.h"

enum { kOpen = 0x01, kClose = 0x02, kWrite = 0x05, kRead = 0x06 };
enum { kModeReadBinary = 1, kModeWriteBinary = 5 }; /* "rb", "wb" */
static const char kName[] = "packet.bin";

static long open_file(long mode) {
  const uintptr_t params[3] = {(uintptr_t)kName, mode, sizeof kName - 1};
  return bare_semihost(kOpen, params);
}

__attribute__((noinline)) long transfer(long op, long handle, void* buffer, unsigned long n) {
  const uintptr_t params[3] = {(uintptr_t)handle, (uintptr_t)buffer, n};
  return bare_semihost(op, params); /* bytes not transferred */
}

__attribute__((noinline)) long receive(long handle) {
  char packet[16];
  transfer(kRead, handle, packet, 64); /* BUG: 64 bytes into 16 */
  return packet[0];
} /* returns through the overwritten return address */

int main(void) {
  static char payload[64];
  for (unsigned i = 0; i < sizeof payload; ++i) payload[i] = 'A';
  long handle = open_file(kModeWriteBinary);
  if (handle < 0 || transfer(kWrite, handle, payload, sizeof payload) != 0) return 1;
  bare_semihost(kClose, &handle);
  handle = open_file(kModeReadBinary);
  if (handle < 0) return 2;
  print("received", receive(handle));
  return 0;
}
