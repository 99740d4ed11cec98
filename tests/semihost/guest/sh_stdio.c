// Console output through picolibc's semihosting stdio, and argv from SYS_GET_CMDLINE.
#include <stdio.h>
#include <string.h>

static const char* base_name(const char* path) {
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  // picolibc's crt0 puts a fixed argv[0] and the whole command line (image name first) after it.
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, i == 1 ? base_name(argv[i]) : argv[i]);
  printf("%5d|%-5d|%05.1f|%x|%s|%c\n", 42, -7, 3.25, 0xbeefu, "str", 'z');
  fprintf(stderr, "stderr shares the console\n");
  puts("puts line");
  fputs("no newline at end", stdout);
  return 0;
}
