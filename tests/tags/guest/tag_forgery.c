/* Application code tries to colour memory with the tag ISA: only the allocator may. */
#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

static long buffer[8];

int main(void) {
  long* p = unitag_tag_alloc(buffer, sizeof buffer); /* BUG: forging a tag */
  p[0] = 1;
  return 0;
}
