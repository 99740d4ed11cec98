// The kernel heap: every byte between the image's end and the top of usable RAM. Thread-safe
// (one irq-safe spinlock). When tag policies are active, each allocation is coloured with the
// tag ISA (unitag_tag_alloc/free); otherwise no tag instruction ever runs. Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk {

void heap_init(uintptr_t start, uintptr_t end, bool tagging);

struct HeapStats {
  uint64_t size, in_use, peak;
};
HeapStats heap_stats();

}  // namespace uk
