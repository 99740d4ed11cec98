/* Loads from an address where nothing is mapped, with no trap handler installed. */
#include "runtime.h"

int main(void) {
  volatile uint64_t* nothing_here = (volatile uint64_t*)0x40000000;
  return (int)*nothing_here;
}
