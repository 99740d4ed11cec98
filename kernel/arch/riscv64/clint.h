// The CLINT of QEMU virt / unitag (0x02000000): the machine timer and inter-hart interrupts.
// Timebase 10 MHz unless the boot info says otherwise. Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk::clint {

inline constexpr uintptr_t kBase = 0x02000000;
inline constexpr uint64_t kNever = ~uint64_t{0};

inline volatile uint32_t* msip(unsigned hart) {
  return reinterpret_cast<volatile uint32_t*>(kBase + 4 * uintptr_t{hart});
}
inline volatile uint64_t* mtimecmp(unsigned hart) {
  return reinterpret_cast<volatile uint64_t*>(kBase + 0x4000 + 8 * uintptr_t{hart});
}
inline uint64_t mtime() { return *reinterpret_cast<volatile uint64_t*>(kBase + 0xbff8); }

inline void send_ipi(unsigned hart) { *msip(hart) = 1; }
inline void clear_ipi(unsigned hart) { *msip(hart) = 0; }
inline void set_timer(unsigned hart, uint64_t when) { *mtimecmp(hart) = when; }

}  // namespace uk::clint
