// The register frame saved by arch/riscv64/trap_entry.S on every trap. Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk {

struct TrapFrame {
  uint64_t x[32];  // x[2] is the interrupted sp
  uint64_t mepc;
  uint64_t mstatus;
  uint64_t mcause;
  uint64_t mtval;
};
static_assert(sizeof(TrapFrame) == 36 * 8, "trap_entry.S FRAME_SIZE");

}  // namespace uk
