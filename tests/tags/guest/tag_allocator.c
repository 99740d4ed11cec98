/* A tag-aware bump allocator using the custom-0 tag instructions (it has allocator authority
   because its functions are named unitag_allocator_*). With argument-free main: allocates,
   uses and frees blocks, then (when BUG is defined by the test's choice of entry) overflows. */
#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

static char arena[1 << 16];
static unsigned long used;

__attribute__((noinline)) void* unitag_allocator_alloc(unsigned long n) {
  n = (n + 15) & ~15ul;
  char* p = arena + used;
  used += n + 16; /* a 16-byte gap between blocks */
  return unitag_tag_alloc(p, n);
}

__attribute__((noinline)) void unitag_allocator_free(void* p, unsigned long n) { unitag_tag_free(p, (n + 15) & ~15ul); }

__attribute__((noinline)) long sum(const long* a, int n) {
  long s = 0;
  for (int i = 0; i < n; ++i) s += a[i];
  return s;
}

int main(void) {
  long total = 0;
  for (int round = 0; round < 100; ++round) {
    long* a = unitag_allocator_alloc(8 * sizeof(long));
    for (int i = 0; i < 8; ++i) a[i] = i + round;
    total += sum(a, 8);
    unitag_allocator_free(a, 8 * sizeof(long));
  }
  print("total", total);
  long* b = unitag_allocator_alloc(4 * sizeof(long));
  print("overflow", sum(b, 6)); /* BUG: reads two words past the block */
  return 0;
}
