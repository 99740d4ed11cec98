/* Host writes reach the tags: a heap buffer word holds a coloured pointer, then a semihosting
   SYS_READ overwrites it with bytes from a host file (the address of a global, written there
   first). The word must lose the stale pointer colour: its tag becomes that of a word of the
   buffer that never held a pointer, and the address read back can be dereferenced (with the
   stale colour it would point at a non-heap word through a heap pointer: a false violation). */
#include <stdlib.h>

#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

enum { kOpen = 0x01, kClose = 0x02, kWrite = 0x05, kRead = 0x06 };
enum { kModeReadBinary = 1, kModeWriteBinary = 5 }; /* "rb", "wb" */

static long open_file(const char* name, unsigned long length, long mode) {
  const uintptr_t params[3] = {(uintptr_t)name, mode, length};
  return bare_semihost(kOpen, params);
}

static long transfer(long op, long handle, void* buffer, unsigned long length) {
  const uintptr_t params[3] = {(uintptr_t)handle, (uintptr_t)buffer, length};
  return bare_semihost(op, params); /* bytes not transferred */
}

static long target = 4242; /* a non-heap word */

int main(void) {
  static const char name[] = "address.bin";
  long* const address = &target;
  long handle = open_file(name, sizeof name - 1, kModeWriteBinary);
  if (handle < 0 || transfer(kWrite, handle, (void*)&address, 8) != 0) return 1;
  bare_semihost(kClose, &handle);

  long** buffer = malloc(4 * sizeof(long*));
  long* other = malloc(16);
  buffer[0] = other; /* the word now holds a pointer of `other`'s colour */
  buffer[1] = 0;     /* a plain data word of the buffer */
  print("pointer word tagged like data", unitag_tag_get(&buffer[0]) == unitag_tag_get(&buffer[1]));

  handle = open_file(name, sizeof name - 1, kModeReadBinary);
  if (handle < 0 || transfer(kRead, handle, &buffer[0], 8) != 0) return 2;
  bare_semihost(kClose, &handle);
  print("after the host's read", unitag_tag_get(&buffer[0]) == unitag_tag_get(&buffer[1]));

  long* loaded = buffer[0];
  print("loaded points at the global", loaded == &target);
  print("value", *loaded); /* through the address the host wrote */
  free(other);
  free(buffer);
  return 0;
}
