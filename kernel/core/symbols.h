// The image's own function symbols, embedded by the second link pass of unitag_add_app
// (cmake/unitag_ksyms.cmake writes the table), so panics print names without a host tool.
// Kernel-internal.
#pragma once

#include <stdint.h>

namespace uk {

struct KsymEntry {
  uint64_t address;
  uint32_t name_offset;  // into the names that follow the entries
  uint32_t size;
};

struct KsymTable {
  uint64_t count;
  KsymEntry entries[];  // sorted by address; then the NUL-terminated names
};

// The function containing pc, or nullptr (no table, or pc outside every function).
const char* symbol_for(uint64_t pc, uint64_t* offset);

}  // namespace uk
