/* The read-only ramfs through POSIX calls: open/read/lseek/fstat/stat/close, directory listing,
 * and the errors a read-only file system must give. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;
static void check(int ok, const char* what) {
  if (!ok) {
    printf("files: FAILED %s\n", what);
    ++failures;
  }
}

static void list(const char* dir, int depth) {
  DIR* d = opendir(dir);
  check(d != NULL, "opendir");
  if (!d) return;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    printf("files: %*s%s%s\n", 2 * depth, "", e->d_name, e->d_type == DT_DIR ? "/" : "");
    if (e->d_type == DT_DIR) {
      char sub[128];
      snprintf(sub, sizeof sub, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
      list(sub, depth + 1);
    }
  }
  closedir(d);
}

int test_files(void) {
  list("/", 0);
  int fd = open("/alpha.txt", O_RDONLY);
  check(fd >= 3, "open /alpha.txt");
  char buf[64] = {0};
  check(read(fd, buf, 5) == 5 && memcmp(buf, "alpha", 5) == 0, "read first 5 bytes");
  check(lseek(fd, -12, SEEK_END) == 22, "lseek from the end");
  memset(buf, 0, sizeof buf);
  check(read(fd, buf, sizeof buf) == 12 && strcmp(buf, "second line\n") == 0, "read the tail");
  check(read(fd, buf, sizeof buf) == 0, "read at end of file returns 0");
  struct stat st;
  check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 34, "fstat size");
  check(close(fd) == 0, "close");
  check(close(fd) == -1 && errno == EBADF, "double close gives EBADF");

  FILE* f = fopen("nested/./deeper//beta.txt", "r");
  check(f != NULL, "fopen a nested path");
  if (f) {
    char line[64];
    check(fgets(line, sizeof line, f) && strcmp(line, "beta lives two directories down\n") == 0,
          "fgets");
    fclose(f);
  }
  check(stat("/nested", &st) == 0 && S_ISDIR(st.st_mode), "stat a directory");
  check(open("/missing", O_RDONLY) == -1 && errno == ENOENT, "missing file gives ENOENT");
  check(open("/alpha.txt", O_WRONLY) == -1 && errno == EROFS, "writing gives EROFS");
  check(opendir("/alpha.txt") == NULL && errno == ENOTDIR, "opendir on a file gives ENOTDIR");
  printf("files: %s\n", failures ? "some checks failed" : "all checks passed");
  return failures != 0;
}
