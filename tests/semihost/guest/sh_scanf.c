// Console input: scanf over SYS_READC, fed from the test's stdin file.
#include <stdio.h>

int main(void) {
  char name[32];
  if (scanf("%31s", name) != 1) {
    printf("no name\n");
    return 1;
  }
  long sum = 0;
  int count = 0, value = 0;
  while (scanf("%d", &value) == 1) {
    sum += value;
    count++;
  }
  printf("hello %s: %d numbers, sum %ld\n", name, count, sum);
  return 0;
}
