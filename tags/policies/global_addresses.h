// Where an image's code materialises or reaches its globals (for the bounds policy): a static
// pass over the code that follows addresses built from auipc/lui + addi or gp + addi through
// moves, constant offsets and index adds within a basic block.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "tags/engine/image_facts.h"

namespace unitag::tags {

struct GlobalObject {
  uint32_t id = 0;  // the caller's name for it (a bounds region)
  uint64_t size = 0;
  uint64_t element = 0;  // an array's element size (DWARF), 0 when not known
};

struct GlobalAddressSites {
  // addi pc -> the global whose address it materialises: the address is the global's start, or
  // escapes as a C pointer (passed in a0-a7 to a call, stored by sd), and no access through it
  // (or through a pointer derived from it in the block) reaches another object.
  std::unordered_map<uint64_t, uint32_t> materialises;
  // Access pc -> the global its static address starts, where the base register holds a
  // materialised address that is no one object's pointer (a section anchor: the compiler
  // reaches `buf.33` as 96(buf.37 + 4i)). The access, base plus index plus offset, is then
  // meant for that global, and must stay inside it. So is an access whose static address is
  // one element below an array's start (`buf[i - 1]`, the -1 folded into the offset) where no
  // object's element fits it there: padding, or the middle of an element of another array
  // (a byte of an int array's last element).
  std::unordered_map<uint64_t, uint32_t> reaches;
};

// objects: each global with bounds, by base address. boundaries: addresses of sizeless symbols
// (__bss_start and such), which name no one object.
GlobalAddressSites find_global_address_sites(const ImageFacts& facts,
                                             const std::map<uint64_t, GlobalObject>& objects,
                                             const std::unordered_set<uint64_t>& boundaries);

}  // namespace unitag::tags
