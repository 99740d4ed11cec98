#include "tags/policies/allocator_code.h"

#include <algorithm>

namespace unitag::tags {

std::vector<std::string> standard_allocator_bindings(const ImageFacts& facts) {
  if (facts.image().symbol_address(UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL)) return {};
  return {std::begin(kStandardAllocators), std::end(kStandardAllocators)};
}

bool is_allocator_code(const ImageFacts& facts, uint64_t pc) {
  const FunctionInfo* f = facts.function_at(pc);
  if (f == nullptr) return false;
  // C names cannot contain '.': what follows it names a compiler's clone.
  const std::string n = f->name.substr(0, f->name.find('.'));
  return n.rfind(UNITAG_ALLOCATOR_PREFIX, 0) == 0 ||
         n.rfind(UNITAG_ALLOCATOR_RESERVED_PREFIX, 0) == 0 ||
         std::find(std::begin(kStandardAllocators), std::end(kStandardAllocators),
                   std::string_view(n)) != std::end(kStandardAllocators);
}

}  // namespace unitag::tags
