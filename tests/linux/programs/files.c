/* Files from the ramfs: open/read/lseek/fstat/stat, stdio on a file, and a sorted directory
 * listing. Paths are relative: qemu-riscv64 runs in a directory holding data/, unitag in /. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  struct stat st;
  fstat(fd, &st);
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  char buf[64];
  ssize_t n = read(fd, buf, 10);
  printf("first %zd bytes: %.*s\n", n, (int)n, buf);
  printf("seek to end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  lseek(fd, -6, SEEK_END);
  n = read(fd, buf, sizeof buf);
  printf("last %zd bytes: %.*s", n, (int)n, buf);
  close(fd);

  FILE* f = fopen(argv[1], "r");
  long total = 0, lines = 0;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    total += strtol(line, NULL, 10);
    ++lines;
  }
  fclose(f);
  printf("%ld lines, sum %ld\n", lines, total);

  printf("missing: %d errno %s\n", open("data/missing.txt", O_RDONLY),
         errno == ENOENT ? "ENOENT" : "other");
  printf("stat dir: %d is dir %d\n", stat("data", &st), S_ISDIR(st.st_mode));

  DIR* d = opendir("data");
  char* names[32];
  int count = 0;
  for (struct dirent* e; d && (e = readdir(d)) && count < 32;)
    if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
  closedir(d);
  qsort(names, count, sizeof *names, by_name);
  for (int i = 0; i < count; ++i) printf("data/%s\n", names[i]);
  return 0;
}
