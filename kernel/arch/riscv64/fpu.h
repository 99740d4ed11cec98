// Lazy floating-point context: only threads that used F/D pay for saving it. A thread starts
// with mstatus.FS = Off; its first FP instruction traps as illegal, the kernel gives it an FP save
// area and sets FS = Initial. On a switch, registers are saved only when FS says Dirty and
// restored only for threads that own an FP area. Built only for the lp64d ABI (__riscv_flen);
// in the rv64imac/lp64 build every function here is empty. Kernel-internal.
#pragma once

#include <stdint.h>

struct uk_thread;

namespace uk {
struct TrapFrame;

struct FpState {
  uint64_t f[32];
  uint64_t fcsr;
};

namespace fpu {
#if defined(__riscv_flen)
void switch_out(uk_thread* prev);
void switch_in(uk_thread* next);
// The illegal-instruction trap was an FP instruction by a thread with FS = Off: enable FP for it
// and return true so the instruction is retried.
bool handle_first_use(TrapFrame* frame);
#else
inline void switch_out(uk_thread*) {}
inline void switch_in(uk_thread*) {}
inline bool handle_first_use(TrapFrame*) { return false; }
#endif
}  // namespace fpu
}  // namespace uk
