// Host information calls that have no QEMU-identical output: heap info (as the specification
// passes it: a1 points at a word holding the block's address), clocks, time, tty, console reads
// with SYS_READ, bad pointers, and UART output interleaved with semihosting output.
#include <semihost.h>
#include <stdint.h>
#include <stdio.h>

uintptr_t sys_semihost(uintptr_t op, uintptr_t param);  // picolibc's raw call (a0, a1)

extern char __heap_start[], __heap_end[], __stack[];

int main(void) {
  struct sys_semihost_block info = {0};
  struct sys_semihost_block* pointer = &info;
  sys_semihost(0x16, (uintptr_t)&pointer);
  printf("heap base %s\n", info.heap_base == __heap_start ? "= __heap_start" : "WRONG");
  printf("heap limit %s\n", info.heap_limit == __heap_end ? "= __heap_end" : "WRONG");
  printf("stack base %s\n", info.stack_base == __stack ? "= __stack" : "WRONG");
  printf("stack limit %s\n", info.stack_limit == __heap_end ? "= __heap_end" : "WRONG");

  const uintptr_t freq = sys_semihost_tickfreq();
  const uint64_t t0 = sys_semihost_elapsed();
  volatile unsigned spin = 0;
  for (unsigned i = 0; i < 200000; i++) spin += i;
  const uint64_t t1 = sys_semihost_elapsed();
  printf("tickfreq %s, elapsed %s\n", freq > 0 ? "positive" : "ZERO",
         t1 > t0 ? "advances" : "STUCK");
  printf("clock %s\n", (long)sys_semihost_clock() >= 0 ? "ok" : "FAILED");
  printf("time %s\n", sys_semihost_time() > 1600000000u ? "after 2020" : "WRONG");
  const int tt = sys_semihost_open(":tt", SH_OPEN_W);
  printf("istty(:tt) %d\n", sys_semihost_istty(tt));
  printf("write0 next:\n");
  sys_semihost_write0("written by SYS_WRITE0\n");
  const char text[] = "written by SYS_WRITE on :tt\n";
  printf("write left %lu\n", (unsigned long)sys_semihost_write(tt, text, sizeof text - 1));
  sys_semihost_close(tt);

  *(volatile unsigned char*)0x10000000 = 'U';  // straight to the UART, between two printfs
  *(volatile unsigned char*)0x10000000 = '\n';
  printf("after the UART\n");

  const int in = sys_semihost_open(":tt", SH_OPEN_R);
  char line[64] = {0};
  const uintptr_t left = sys_semihost_read(in, line, sizeof line - 1);
  printf("console read %lu bytes: %s", (unsigned long)(sizeof line - 1 - left), line);
  const uintptr_t bad_name[3] = {16, SH_OPEN_R, 5};  // a file name outside RAM
  printf("open(bad pointer) %d errno %d\n", (int)sys_semihost(0x01, (uintptr_t)bad_name),
         sys_semihost_errno());
  printf("read(bad handle) %d errno %d\n", (int)sys_semihost_read(77, line, 4),
         sys_semihost_errno());
  return 0;
}
