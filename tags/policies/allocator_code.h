// The allocator as policies that bind it by symbol see it (heap, mte): which functions they bind
// and which code has allocator authority (the host/guest contract: abi/unitag/tag_contract.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "abi/unitag/tag_contract.h"
#include "tags/engine/image_facts.h"

namespace unitag::tags {

// picolibc's allocation functions, bound by symbol.
inline constexpr std::string_view kStandardAllocators[] = {UNITAG_STANDARD_ALLOCATORS};

// The standard allocators, unless the image's allocator tags memory itself (tag instructions).
std::vector<std::string> standard_allocator_bindings(const ImageFacts& facts);
// Whether pc is in an allocator function: a standard one or a prefixed helper (or a compiler's
// clone of either: free.part.0, malloc.constprop.1).
bool is_allocator_code(const ImageFacts& facts, uint64_t pc);

}  // namespace unitag::tags
