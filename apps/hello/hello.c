/* The smallest unitag application: one line through picolibc's printf. */
#include <stdio.h>

int main(void) {
  printf("Hello from the unitag library OS!\n");
  return 0;
}
