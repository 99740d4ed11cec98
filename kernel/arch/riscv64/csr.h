// Machine-mode CSR access and local interrupt control for RV64. Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk::arch {

#define UK_CSR_READ(name)                                     \
  ({                                                          \
    uint64_t v_;                                              \
    __asm__ volatile("csrr %0, " #name : "=r"(v_)::"memory"); \
    v_;                                                       \
  })
#define UK_CSR_WRITE(name, value) \
  __asm__ volatile("csrw " #name ", %0" ::"r"(uint64_t(value)) : "memory")
#define UK_CSR_SET(name, bits) \
  __asm__ volatile("csrs " #name ", %0" ::"r"(uint64_t(bits)) : "memory")
#define UK_CSR_CLEAR(name, bits) \
  __asm__ volatile("csrc " #name ", %0" ::"r"(uint64_t(bits)) : "memory")

inline constexpr uint64_t kMstatusMie = 1u << 3;
inline constexpr uint64_t kMstatusMpie = 1u << 7;
inline constexpr uint64_t kMstatusMppM = 3u << 11;
inline constexpr uint64_t kMstatusFs = 3u << 13;
inline constexpr uint64_t kMstatusFsInitial = 1u << 13;
inline constexpr uint64_t kMstatusFsClean = 2u << 13;
inline constexpr uint64_t kMstatusFsDirty = 3u << 13;
inline constexpr uint64_t kMieMsie = 1u << 3;
inline constexpr uint64_t kMieMtie = 1u << 7;
inline constexpr uint64_t kCauseInterrupt = 1ull << 63;
inline constexpr uint64_t kIrqSoftware = 3, kIrqTimer = 7;

// Disables interrupts on this hart; returns the previous mstatus.MIE for irq_restore.
inline uint64_t irq_save() {
  uint64_t old;
  __asm__ volatile("csrrci %0, mstatus, 8" : "=r"(old)::"memory");
  return old & kMstatusMie;
}
inline void irq_restore(uint64_t flags) {
  if (flags) __asm__ volatile("csrsi mstatus, 8" ::: "memory");
}
inline void irq_enable() { __asm__ volatile("csrsi mstatus, 8" ::: "memory"); }
inline void irq_disable() { __asm__ volatile("csrci mstatus, 8" ::: "memory"); }
inline void wait_for_interrupt() { __asm__ volatile("wfi" ::: "memory"); }
inline unsigned hart_id() { return unsigned(UK_CSR_READ(mhartid)); }
inline uint64_t instret() { return UK_CSR_READ(minstret); }
inline void pause() { __asm__ volatile("nop" ::: "memory"); }

}  // namespace uk::arch
