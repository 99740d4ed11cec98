#include "runtime.h"

int main(void) {
  bare_puts("hello from the unitag machine\n");
  return 0;
}
