/* File reader: prints the files named on the command line from the image's read-only ramfs.
 * Without arguments it lists the ramfs (recursively) and prints every file in it. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int print_file(const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("cat: %s: cannot open\n", path);
    return 1;
  }
  char buf[64];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
  close(fd);
  return 0;
}

static int walk(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) {
    printf("cat: %s: cannot list\n", dir);
    return 1;
  }
  int status = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) {
      printf("cat: %s: stat failed\n", path);
      status = 1;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      printf("%s/\n", path);
      status |= walk(path);
    } else {
      printf("== %s (%ld bytes)\n", path, (long)st.st_size);
      status |= print_file(path);
    }
  }
  closedir(d);
  return status;
}

int main(int argc, char** argv) {
  if (argc < 2) return walk("/");
  int status = 0;
  for (int i = 1; i < argc; ++i) status |= print_file(argv[i]);
  return status;
}
