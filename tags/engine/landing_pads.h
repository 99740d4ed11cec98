// Exception landing pads from the ELF alone: the `.eh_frame` FDEs point at each function's LSDA
// (`.gcc_except_table`), whose call-site table names the landing pads the unwinder may transfer
// control to. cfi accepts those (and return sites) as the target of an unwinder's return. Also
// which functions are libgcc's unwinder (by name), for the policies that must let it through.
#pragma once

#include <cstdint>
#include <unordered_set>

#include "machine/loader/elf.h"

namespace unitag::tags {

// Every landing pad of the image's C++ (or other DWARF-EH) functions; empty without .eh_frame.
// Malformed tables end the search quietly: what was found before stays.
std::unordered_set<uint64_t> find_landing_pads(const ElfImage& image);

// The libgcc functions that end in __builtin_eh_return (install a handler's context and return
// into it): their returns go to landing pads, not to a caller.
bool is_unwinder_function(const std::string& name);
// Any code of libgcc's DWARF unwinder, the C++ personality routines included: it reads and
// writes the saved registers of every frame it unwinds, through pointers computed from its own
// sp (a superset of is_unwinder_function).
bool is_unwinder_code(const std::string& name);

}  // namespace unitag::tags
