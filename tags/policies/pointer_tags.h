// What the policies that tag heap blocks and the pointers to them (heap, mte) share: the
// allocator functions they bind and the code with allocator authority (the host/guest contract:
// abi/unitag/tag_contract.h), and how a pointer's tag follows it through moves and arithmetic.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/unitag/tag_contract.h"
#include "tags/engine/policy.h"

namespace unitag::tags {

// picolibc's allocation functions, bound by symbol.
inline constexpr std::string_view kStandardAllocators[] = {UNITAG_STANDARD_ALLOCATORS};

// The standard allocators, unless the image's allocator tags memory itself (tag instructions).
std::vector<std::string> standard_allocator_bindings(const ImageFacts& facts);
// Whether pc is in an allocator function: a standard one or a prefixed helper (or a compiler's
// clone of either: free.part.0, malloc.constprop.1).
bool is_allocator_code(const ImageFacts& facts, uint64_t pc);

// Instruction tags: code with allocator authority (may touch any block's words), or, on a
// `sub`, that it subtracts: pointer - integer is a pointer, but pointer - pointer (a length)
// and integer - pointer are integers.
inline constexpr Meta kAllocatorAuthority = 1, kSubtracts = 2;
Meta pointer_code_meta(const ImageFacts& facts, uint64_t pc);
// The inputs such a rule reads: the pointer's tag on moves, arithmetic and accesses; the stored
// pointer's tag (rs2) on 64-bit stores; the memory word's tag on accesses.
unsigned pointer_tag_inputs(OpGroup op);
// The tag of rd after a move or pointer arithmetic on operands tagged rs1 and rs2 (nullopt for
// any other opgroup): pointer +- integer keeps the pointer's tag, two different ones cancel.
std::optional<Meta> derived_pointer_tag(OpGroup op, Meta ci, Meta rs1, Meta rs2);

}  // namespace unitag::tags
