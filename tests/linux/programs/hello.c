/* stdio, argv and the environment, as an ordinary Linux C program uses them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("hello from a static glibc binary\n");
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  const char* var = getenv("UNITAG_TEST_VAR");
  printf("UNITAG_TEST_VAR=%s\n", var ? var : "(unset)");
  printf("%5.2f %e %g %x %lo %-6s|\n", 3.14159, 6.02e23, 1.0 / 3, 0xbeef, 01234ul, "left");
  fprintf(stdout, "%s\n", argc > 1 ? "with arguments" : "without arguments");
  return 0;
}
