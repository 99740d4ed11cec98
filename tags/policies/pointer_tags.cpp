#include "tags/policies/pointer_tags.h"

#include <algorithm>

namespace unitag::tags {

std::vector<std::string> standard_allocator_bindings(const ImageFacts& facts) {
  // A tag-aware image (the library OS) colours its own blocks; a Linux program it runs is bound
  // by its own symbols (the engine binds only the program's functions then).
  if (facts.program() == nullptr && facts.image().symbol_address(UNITAG_TAG_AWARE_ALLOCATOR_SYMBOL))
    return {};
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
                   std::string_view(n)) != std::end(kStandardAllocators) ||
         std::find(std::begin(kGlibcAllocatorInternals), std::end(kGlibcAllocatorInternals),
                   std::string_view(n)) != std::end(kGlibcAllocatorInternals);
}

}  // namespace unitag::tags

namespace unitag::tags {

namespace {
Meta amo_meta(Op op) {
  switch (op) {
    case Op::lr_d:
      return kAmo64 | kAmoReturnsOld | kAmoOnlyReads;
    case Op::sc_d:
      return kAmo64 | kAmoStoresRs2;
    case Op::amoswap_d:
      return kAmo64 | kAmoReturnsOld | kAmoStoresRs2;
    case Op::amoadd_d:
    case Op::amoxor_d:
    case Op::amoand_d:
    case Op::amoor_d:
    case Op::amomin_d:
    case Op::amomax_d:
    case Op::amominu_d:
    case Op::amomaxu_d:
      return kAmo64 | kAmoReturnsOld;
    case Op::lr_w:
      return kAmoOnlyReads;
    default:
      return 0;  // 32-bit AMOs and sc.w break a stored pointer
  }
}
}  // namespace

Meta pointer_code_meta(const ImageFacts& facts, uint64_t pc) {
  DecodedInsn d;
  const bool decoded = facts.instruction_at(pc, d);
  // Authority only matters to accesses and tag ops.
  if (decoded && classify(d) == OpGroup::kAdd) return d.op == Op::sub ? kSubtracts : 0;
  if (decoded && classify(d) == OpGroup::kLogic)
    return d.op == Op::andi && d.imm >= 0 ? kMasksLow : 0;
  const Meta authority = is_allocator_code(facts, pc) ? kAllocatorAuthority : 0;
  return decoded && classify(d) == OpGroup::kAmo ? authority | amo_meta(d.op) : authority;
}

StoredPointerFlow stored_pointer_flow(OpGroup op, Meta ci) {
  switch (op) {
    case OpGroup::kLoad64:
      return {.rd_gets_stored = true};
    case OpGroup::kStore64:
      return {.writes = true, .stores_rs2 = true};
    case OpGroup::kStore:
      return {.writes = true};
    case OpGroup::kAmo:
      return {.rd_gets_stored = (ci & kAmo64) && (ci & kAmoReturnsOld),
              .writes = !(ci & kAmoOnlyReads),
              .stores_rs2 = (ci & kAmo64) && (ci & kAmoStoresRs2),
              .combines = (ci & kAmo64) && !(ci & kAmoStoresRs2)};
    default:
      return {};
  }
}

Meta stored_pointer_after(const StoredPointerFlow& flow, Meta stored, Meta rs2) {
  if (flow.stores_rs2) return rs2;
  if (flow.combines) return *derived_pointer_tag(OpGroup::kLogic, 0, stored, rs2);
  return 0;
}

unsigned pointer_tag_inputs(OpGroup op) {
  switch (op) {
    case OpGroup::kMove:
    case OpGroup::kTagBound:    // narrowing keeps the pointer (the bounds policy narrows it)
    case OpGroup::kTagSetType:  // giving a value a type keeps the pointer
      return kRs1;
    case OpGroup::kAdd:
    case OpGroup::kLogic:
      return kCi | kRs1 | kRs2;
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
    case OpGroup::kLogic:  // alignment masks keep the tag; `p & 7` is an offset
      if (ci & kMasksLow) return 0;
      return rs1 && rs2 ? (rs1 == rs2 ? rs1 : 0) : rs1 | rs2;
    default:
      return std::nullopt;
  }
}

}  // namespace unitag::tags
