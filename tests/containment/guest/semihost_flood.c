/* Floods through semihosting: SYS_WRITE0 to the console (default), or with TO_FILE SYS_WRITE
   into a host file (run with --semihost-write), or with OPEN_HANDLES SYS_OPEN without ever
   closing, until the host refuses. */
#include "runtime.h"

enum { kOpen = 0x01, kWrite0 = 0x04, kWrite = 0x05, kErrno = 0x13 };

__attribute__((unused)) static const char line[] = "semihosting flood semihosting flood semihosting flood\n";

int main(void) {
#if defined(OPEN_HANDLES)
  static const char name[] = "flood.txt";
  for (long opened = 0;; ++opened) {
    const uintptr_t params[3] = {(uintptr_t)name, 0 /* "r" */, sizeof name - 1};
    if (bare_semihost(kOpen, params) < 0) {
      bare_puts("open refused after ");
      bare_put_dec(opened);
      bare_puts(" handles, errno ");
      bare_put_dec(bare_semihost(kErrno, 0));
      bare_putc('\n');
      return 0;
    }
  }
#elif defined(TO_FILE)
  static const char name[] = "flood.txt";
  const uintptr_t open_params[3] = {(uintptr_t)name, 4 /* "w" */, sizeof name - 1};
  const long handle = bare_semihost(kOpen, open_params);
  if (handle < 0) return 2;
  for (;;) {
    const uintptr_t params[3] = {(uintptr_t)handle, (uintptr_t)line, sizeof line - 1};
    bare_semihost(kWrite, params);
  }
#else
  for (;;) bare_semihost(kWrite0, line);
#endif
}
