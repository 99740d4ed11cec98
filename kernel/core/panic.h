// Fatal errors: a readable report on the console (cause, PC, registers, a symbolised backtrace
// through frame pointers), then the run ends with UK_PANIC_EXIT_CODE. Kernel-internal.
#pragma once

#include "core/trap_frame.h"

namespace uk {

[[noreturn]] void panic_on_trap(const TrapFrame* frame);

}  // namespace uk
