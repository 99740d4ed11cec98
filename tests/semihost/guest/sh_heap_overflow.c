/* A stock picolibc program (semihosting) with a heap overflow: the heap policy binds to
   picolibc's malloc by symbol and must catch the write past the end of the buffer. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void fill(long* buf, int n) {
  for (int i = 0; i <= n; ++i) buf[i] = i; /* one element too many */
}

int main(void) {
  long* buf = malloc(8 * sizeof(long));
  printf("filling %d elements\n", 8);
  fill(buf, 8);
  printf("filled\n");
  free(buf);
  return 0;
}
