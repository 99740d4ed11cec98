// Exit paths: exit(n), return from main, abort(), raw SYS_EXIT with an application-exit or an
// error reason, each becoming the process exit status; and an operation no host knows.
#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* mode = argc > 2 ? argv[2] : "return0";
  printf("mode %s\n", mode);
  if (strcmp(mode, "exit3") == 0) exit(3);
  if (strcmp(mode, "return7") == 0) return 7;
  if (strcmp(mode, "abort") == 0) abort();
  if (strcmp(mode, "exit255") == 0) exit(-1);
  if (strcmp(mode, "sys_exit5") == 0) sys_semihost_exit(ADP_Stopped_ApplicationExit, 5);
  if (strcmp(mode, "sys_exit_error") == 0) sys_semihost_exit(ADP_Stopped_RunTimeErrorUnknown, 5);
  if (strcmp(mode, "unknown_op") == 0) {
    extern uintptr_t sys_semihost(uintptr_t op, uintptr_t param);
    sys_semihost(0x99, 0);
    printf("unknown operation returned\n");
  }
  return 0;
}
