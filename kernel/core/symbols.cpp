// Binary search in the embedded symbol table (see symbols.h).
#include "core/symbols.h"

extern "C" const uk::KsymTable uk_ksyms;

namespace uk {

const char* symbol_for(uint64_t pc, uint64_t* offset) {
  const KsymTable& t = uk_ksyms;
  uint64_t lo = 0, hi = t.count;
  while (lo < hi) {  // first entry with address > pc
    const uint64_t mid = (lo + hi) / 2;
    if (t.entries[mid].address <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return nullptr;
  const KsymEntry& e = t.entries[lo - 1];
  if (pc - e.address >= (e.size ? e.size : 1)) return nullptr;
  *offset = pc - e.address;
  const char* names = reinterpret_cast<const char*>(&t.entries[t.count]);
  return names + e.name_offset;
}

}  // namespace uk
