// Host files through picolibc's semihosting stdio: the mode (argv[2]) picks the scenario.
//   read      read a fixture, seek, file length, a missing file
//   write     create, append, read back, update in place, rename, remove (--semihost-write)
//   escape    paths leaving the root are refused; a symlink staying inside works
//   readonly  without --semihost-write nothing can be created, changed or removed
#include <errno.h>
#include <semihost.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void print_file(const char* name) {
  FILE* f = fopen(name, "r");
  if (!f) {
    printf("%s: cannot open (errno %d)\n", name, errno);
    return;
  }
  char line[128];
  while (fgets(line, sizeof line, f)) printf("%s: %s", name, line);
  fclose(f);
}

static void try_open(const char* name, const char* mode) {
  errno = 0;
  FILE* f = fopen(name, mode);
  if (f) {
    printf("fopen(\"%s\", \"%s\"): opened\n", name, mode);
    fclose(f);
  } else {
    printf("fopen(\"%s\", \"%s\"): refused (errno %d)\n", name, mode, errno);
  }
}

static int read_mode(void) {
  print_file("fixture.txt");
  FILE* f = fopen("fixture.txt", "r");
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  printf("size by fseek/ftell: %ld\n", ftell(f));
  fseek(f, 6, SEEK_SET);
  char word[16] = {0};
  fread(word, 1, 5, f);
  printf("5 bytes at offset 6: %s\n", word);
  struct stat st;
  fstat(fileno(f), &st);
  printf("size by fstat: %ld\n", (long)st.st_size);
  fclose(f);
  try_open("missing.txt", "r");
  return 0;
}

static int write_mode(void) {
  FILE* f = fopen("out.txt", "w");
  if (!f) {
    printf("cannot create out.txt (errno %d)\n", errno);
    return 1;
  }
  for (int i = 1; i <= 3; i++) fprintf(f, "line %d of %d\n", i, 3);
  fclose(f);
  f = fopen("out.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  print_file("out.txt");
  f = fopen("out.txt", "r+");
  fputs("LINE", f);
  fclose(f);
  print_file("out.txt");
  printf("rename: %d\n", sys_semihost_rename("out.txt", "renamed.txt"));
  try_open("out.txt", "r");
  print_file("renamed.txt");
  printf("remove: %d\n", remove("renamed.txt"));
  try_open("renamed.txt", "r");
  print_file("fixture.txt");
  return 0;
}

static int escape_mode(void) {
  try_open("../escape.txt", "r");
  try_open("sub/../fixture.txt", "r");
  try_open("/etc/passwd", "r");
  try_open("outside", "r");  // a symlink to a file outside the root
  try_open("inside", "r");   // a symlink to fixture.txt
  print_file("inside");
  char name[64];
  printf("tmpnam: %d\n", sys_semihost_tmpnam(name, 1, sizeof name));
  printf("system: %d\n", sys_semihost_system("echo escaped"));
  return 0;
}

static int readonly_mode(void) {
  try_open("new.txt", "w");
  try_open("fixture.txt", "a");
  try_open("fixture.txt", "r+");
  errno = 0;
  printf("remove: %d (errno %d)\n", remove("fixture.txt"), errno);
  printf("rename: %d\n", sys_semihost_rename("fixture.txt", "moved.txt"));
  print_file("fixture.txt");
  try_open("new.txt", "r");
  return 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 2 ? argv[2] : "read";
  if (strcmp(mode, "read") == 0) return read_mode();
  if (strcmp(mode, "write") == 0) return write_mode();
  if (strcmp(mode, "escape") == 0) return escape_mode();
  if (strcmp(mode, "readonly") == 0) return readonly_mode();
  printf("unknown mode %s\n", mode);
  return 2;
}
