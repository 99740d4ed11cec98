/* How a program ends: an exit status, abort() (SIGABRT: status 134 as the shell reports it), a
 * null-pointer store (SIGSEGV: 139), or returning from main after output still buffered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "return";
  printf("ending by %s\n", how);
  if (!strcmp(how, "exit")) exit(42);
  if (!strcmp(how, "abort")) {
    fflush(stdout);
    abort();
  }
  if (!strcmp(how, "segv")) {
    fflush(stdout);
    *(volatile int*)(long)(argc - 2 + 16) = 1;
  }
  return 7;
}
