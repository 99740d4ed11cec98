// Exit paths: exit(n), return from main, abort(), each becoming the process exit status.
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
  return 0;
}
