// Boot sequence and the machine facts it gathers (kernel-internal). Hart 0 builds the kernel,
// then releases the other harts; every hart ends in its idle loop.
#pragma once

#include <stdint.h>

#include "unitag/kernel.h"

namespace uk {

const uk_boot_config& boot_config();
// This partition's index (0..hart_count-1) of a machine hart id.
unsigned local_index(unsigned machine_hart);
[[noreturn]] void idle_loop();
void trap_init_hart();

// Image layout from kernel.ld.
extern "C" char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[], _end[];
extern "C" char __tls_align[];  // a linker-script constant: its "address" is the alignment
extern "C" char __boot_stack_top[], uk_trap_entry[], __text_start[], __text_end[];
using InitFunction = void (*)();
extern "C" InitFunction __init_array_start[], __init_array_end[], __fini_array_start[],
    __fini_array_end[];
inline constexpr uint64_t kImageBase = 0x80000000;

}  // namespace uk
