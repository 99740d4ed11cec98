/* Runs the machine out of memory, as a Linux program can. An allocation larger than all the free
   memory is refused at once (NULL); 1 MiB blocks touched as they come are refused once memory is
   used up. With "overcommit", 128 blocks are taken untouched (each fits, so each is granted) and
   then touched: the touch that finds no free page ends the program as Linux's OOM killer would
   (SIGKILL), not the machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBlock = 1 << 20 };

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "overcommit") == 0) {
    static char* blocks[128];
    for (int i = 0; i < 128; ++i)
      if (!(blocks[i] = malloc(kBlock))) return 2;
    puts("128 MiB granted untouched");
    fflush(stdout);
    for (int i = 0; i < 128; ++i) {
      memset(blocks[i], i, kBlock);
      printf("%d MiB touched\n", i + 1);
      fflush(stdout);
    }
    return 0;
  }
  void* huge = malloc((size_t)1 << 30);
  printf("malloc(1 GiB): %s\n", huge ? "granted" : "refused");
  for (unsigned long mib = 1;; ++mib) {
    char* block = malloc(kBlock);
    if (!block) {
      printf("malloc refused after %lu MiB\n", mib - 1);
      return 0;
    }
    memset(block, (int)mib, kBlock);
  }
}
