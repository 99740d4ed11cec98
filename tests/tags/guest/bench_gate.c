/* The cost of entering a compartment: N calls through a gate of compartment "counter" (its code
   updates its private total) or, built with -DPLAIN_CALLS, N plain calls of the same function
   in shared code. `unitag run ... --policy compartment --stats -` gives the modeled cycles. */
#include "abi/unitag/compartment.h"
#include "tags_rt.h"

#define CALLS 10000000

#ifdef PLAIN_CALLS
long total;
__attribute__((noinline)) long add(long x) {
#else
UNITAG_COMPARTMENT_DATA(counter) long total;
UNITAG_GATE(counter) long add(long x) {
#endif
  total += x;
  return total;
}

int main(void) {
  long s = 0;
  for (long i = 0; i < CALLS; ++i) s ^= add(i);
  print("bench_gate", s);
  return 0;
}
