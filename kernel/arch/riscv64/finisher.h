// The SiFive test finisher (QEMU virt, unitag) at 0x100000: ends the run with an exit status.
// Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk {

[[noreturn]] inline void machine_exit(int code) {
  auto* finisher = reinterpret_cast<volatile uint32_t*>(0x100000);
  const uint32_t status = uint32_t(code) & 0xffff;
  *finisher = status == 0 ? 0x5555u : (status << 16) | 0x3333u;
  for (;;) __asm__ volatile("wfi");
}

}  // namespace uk
