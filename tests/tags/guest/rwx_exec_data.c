/* Execution of data: a buffer filled with instructions is called. */
#include <stdint.h>

#include "tags_rt.h"

static uint16_t shellcode[4] = {0x4505 /* c.li a0, 1 */, 0x8082 /* c.ret */};

int main(void) {
  long (*fn)(void) = (long (*)(void))(uintptr_t)shellcode;
  __asm__ volatile("fence.i" ::: "memory");
  print("shellcode", fn()); /* BUG: jumps into data */
  return 0;
}
