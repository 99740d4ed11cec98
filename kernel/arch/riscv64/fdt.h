// Just enough of a flattened device tree reader for QEMU virt: the number of /cpus/cpu@N nodes,
// the size of the first /memory node, the blob's extent and /chosen/bootargs. Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk::fdt {

struct Facts {
  bool valid = false;
  unsigned cpu_count = 0;
  uint64_t memory_base = 0, memory_size = 0;
  uint64_t blob_size = 0;
  const char* bootargs = nullptr;  // points into the blob
};

Facts read(const void* blob);

}  // namespace uk::fdt
