// Trap dispatch: timer and software interrupts go to the scheduler, a first FP instruction to the
// lazy FP code; every other exception is fatal and ends in a readable panic.
#include "arch/riscv64/csr.h"
#include "arch/riscv64/fpu.h"
#include "core/panic.h"
#include "core/sched.h"
#include "core/trap_frame.h"

namespace {
constexpr uint64_t kIllegalInstruction = 2;
}

extern "C" void uk_trap(uk::TrapFrame* frame) {
  if (frame->mcause & uk::arch::kCauseInterrupt) {
    switch (frame->mcause & 0xff) {
      case uk::arch::kIrqTimer:
        uk::on_timer_interrupt();
        return;
      case uk::arch::kIrqSoftware:
        uk::on_software_interrupt();
        return;
      default:
        uk::panic_on_trap(frame);
    }
  }
  if (frame->mcause == kIllegalInstruction && uk::fpu::handle_first_use(frame)) return;
  uk::panic_on_trap(frame);
}
