/* A system-call-heavy workload, the kind where a unikernel's cheaper kernel entry should show:
 * many tiny calls (getppid), a file (argv[1]) opened, examined and read in small pieces again
 * and again, small writes to stdout, and clock reads (a vDSO call on Linux, a trap on the
 * library OS). Prints only counts and checksums, so every system prints the same. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kTinyCalls = 20000, kFilePasses = 1000, kLines = 100, kClockReads = 5000 };

static uint32_t fnv1a(uint32_t h, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ (unsigned char)p[i]) * 16777619u;
  return h;
}

static int later_or_same(const struct timespec* a, const struct timespec* b) {
  return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: syscalls FILE\n");
    return 2;
  }
  long parent_sum = 0;
  for (int i = 0; i < kTinyCalls; ++i) parent_sum += syscall(SYS_getppid);
  printf("tiny calls: %d (parent stable: %d)\n", kTinyCalls,
         parent_sum == (long)kTinyCalls * getppid());

  uint32_t first = 0, all = 2166136261u;
  long total = 0;
  for (int pass = 0; pass < kFilePasses; ++pass) {
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      perror(argv[1]);
      return 1;
    }
    uint32_t h = 2166136261u;
    char buf[16];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      h = fnv1a(h, buf, (size_t)n);
      total += n;
    }
    if (lseek(fd, 0, SEEK_CUR) != st.st_size) return 1;
    close(fd);
    if (pass == 0) first = h;
    all = fnv1a(all, (const char*)&h, sizeof h);
    if (h != first) {
      printf("pass %d read different bytes\n", pass);
      return 1;
    }
  }
  printf("file: %d passes, %ld bytes, checksum %08x/%08x\n", kFilePasses, total, first, all);

  fflush(stdout); /* stdio buffers fully into a pipe, by line into a tty: keep the order */
  uint32_t lines = 2166136261u;
  for (int i = 0; i < kLines; ++i) {
    char line[48];
    int len = snprintf(line, sizeof line, "line %03d %08x\n", i, lines);
    if (write(1, line, (size_t)len) != len) return 1;
    lines = fnv1a(lines, line, (size_t)len);
  }

  struct timespec start, last;
  clock_gettime(CLOCK_MONOTONIC, &start);
  last = start;
  int monotonic = 1;
  for (int i = 0; i < kClockReads; ++i) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    monotonic &= later_or_same(&now, &last);
    last = now;
  }
  printf("clock reads: %d, monotonic %d\n", kClockReads, monotonic);
  return 0;
}
