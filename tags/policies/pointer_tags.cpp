#include "tags/policies/pointer_tags.h"

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

namespace unitag::tags {

Meta pointer_code_meta(const ImageFacts& facts, uint64_t pc) {
  DecodedInsn d;
  if (facts.instruction_at(pc, d) && classify(d) == OpGroup::kAdd)
    return d.op == Op::sub ? kSubtracts : 0;  // authority only matters to accesses and tag ops
  return is_allocator_code(facts, pc) ? kAllocatorAuthority : 0;
}

unsigned pointer_tag_inputs(OpGroup op) {
  switch (op) {
    case OpGroup::kMove:
    case OpGroup::kTagBound:    // narrowing keeps the pointer (the bounds policy narrows it)
    case OpGroup::kTagSetType:  // giving a value a type keeps the pointer
      return kRs1;
    case OpGroup::kAdd:
      return kCi | kRs1 | kRs2;
    case OpGroup::kLogic:
      return kRs1 | kRs2;
    case OpGroup::kStore64:
    case OpGroup::kAmo:
    case OpGroup::kFpStore:
      return kCi | kRs1 | kRs2 | kMem;
    case OpGroup::kLoad:
    case OpGroup::kLoad64:
    case OpGroup::kStore:
    case OpGroup::kFpLoad:
      return kCi | kRs1 | kMem;
    default:
      return 0;
  }
}

std::optional<Meta> derived_pointer_tag(OpGroup op, Meta ci, Meta rs1, Meta rs2) {
  switch (op) {
    case OpGroup::kMove:
    case OpGroup::kTagBound:
    case OpGroup::kTagSetType:
      return rs1;
    case OpGroup::kAdd:
      // Without "subtracts", `end - start` got the buffer's tag, and `other + (end - start)`
      // (`path + strlen(s)`) then carried it into a different object: a false positive.
      if (ci & kSubtracts) return rs2 ? 0 : rs1;
      [[fallthrough]];
    case OpGroup::kLogic:  // alignment masks keep the tag
      return rs1 && rs2 ? (rs1 == rs2 ? rs1 : 0) : rs1 | rs2;
    default:
      return std::nullopt;
  }
}

}  // namespace unitag::tags
