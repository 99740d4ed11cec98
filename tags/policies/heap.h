// The heap policy's parts, shared by its three files: the rule (heap.cpp), the allocator binding
// (heap_binding.cpp: bound malloc/free, tag instructions, host writes) and the report
// (heap_report.cpp). Private to them; everyone else knows the policy by name in the registry.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <string_view>

#include "abi/unitag/tag_contract.h"
#include "tags/engine/policy.h"
#include "tags/policies/heap_allocations.h"
#include "tags/policies/pointer_tags.h"

namespace unitag::tags::heap {

// Register metadata: the pointer's colour. Memory: bits 0-28 the word's (location) colour,
// bits 29-31 how many of its last bytes lie past its allocation's end (the last word of an
// allocation whose end is not 8-byte aligned; 0 elsewhere), bits 32-63 the colour of the pointer
// stored in it. CI: code with allocator authority (may use the tag instructions, may touch any
// heap word), or, on a `sub`, that it subtracts. Bound allocator calls run trusted (the engine
// does not check inside them); their effect is applied at return. Colours stay below 2^28 (the
// tag table holds no more tags).
inline constexpr Meta kAuthority = kAllocatorAuthority;  // kSubtracts: pointer_tags.h
inline constexpr unsigned kMetaTailShift = 29;
inline constexpr uint32_t kColourMask = (1u << kMetaTailShift) - 1;
// A register's metadata is a formal sum of pointers: bits 0-31 the colour it adds, bits 32-63
// the colour it subtracts (x - p: 0 - p, or q - p for another object's q), so that adding p
// back cancels (compilers re-base one array on another: `src + (dst - src)` in glibc's memcpy
// is dst). Only a value with no subtracted colour points into an allocation.
inline uint32_t plus(Meta r) { return static_cast<uint32_t>(r); }
inline uint32_t minus(Meta r) { return static_cast<uint32_t>(r >> 32); }
inline Meta sum(uint32_t plus, uint32_t minus) { return Meta{plus} | Meta{minus} << 32; }
// The allocation a register points into (kNoColour: none, unchecked).
inline uint32_t pointee(Meta r) { return minus(r) == kNoColour ? plus(r) : kNoColour; }
// A stored pointer (a memory word's bits 32-63) is one colour, or one subtracted colour marked
// kMinus; a value with both loses the added one (it then cancels to unchecked, never wrong).
inline constexpr uint32_t kMinus = 1u << 31;
inline uint32_t to_stored(Meta r) { return minus(r) ? minus(r) | kMinus : plus(r); }
inline Meta from_stored(uint32_t v) { return v & kMinus ? sum(0, v & ~kMinus) : sum(v, 0); }
inline uint32_t location(Meta m) { return static_cast<uint32_t>(m) & kColourMask; }
inline uint32_t location_and_tail(Meta m) { return static_cast<uint32_t>(m); }
inline unsigned tail(Meta m) { return static_cast<uint32_t>(m) >> kMetaTailShift; }
inline uint32_t value(Meta m) { return static_cast<uint32_t>(m >> 32); }
inline Meta word(uint32_t loc, uint32_t val) { return Meta{loc} | Meta{val} << 32; }

// The denials, each once (explain() tells them apart by address).
inline constexpr Denial kStoreColour{
    "store-colour", "store through a pointer whose colour differs from the word's",
    "heap-colour-mismatch"};  // explain() names overflows, underflows and uses after free
inline constexpr Denial kLoadColour{"load-colour",
                                    "load through a pointer whose colour differs from the word's",
                                    "heap-colour-mismatch"};
inline constexpr Denial kStorePastEnd{
    "store-past-end", "store to the bytes past an allocation's end in its last word",
    "heap-buffer-overflow"};
inline constexpr Denial kLoadPastEnd{"load-past-end",
                                     "load of the bytes past an allocation's end in its last word",
                                     "heap-buffer-overflow"};
inline constexpr Denial kTagAuthority{
    "tag-authority",
    "tag instruction outside allocator code (only the allocator may colour memory)", "tag-forgery"};
inline constexpr Denial kDoubleFree{
    "double-free", "free of a pointer whose allocation was already freed", "heap-double-free"};
inline constexpr Denial kFreeInterior{"free-interior",
                                      "free of a pointer into the middle of an allocation",
                                      "heap-free-interior-pointer"};
inline constexpr Denial kFreeNonHeap{"free-non-heap",
                                     "free of a pointer that no allocation function returned",
                                     "heap-free-non-heap-pointer"};

class Heap final : public Policy {
 public:
  // heap.cpp: the rule and the tags at load.
  std::string_view name() const override { return "heap"; }
  std::string_view summary() const override;
  void prepare(const ImageFacts& facts, const SourceLines& lines) override {
    facts_ = &facts;
    lines_ = &lines;
  }
  std::optional<std::string> set_option(std::string_view key, std::string_view value) override;
  std::vector<std::string> options() const override;
  unsigned inputs(OpGroup op, bool) const override;
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override;
  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override;
  unsigned invalid_tail_bytes(Meta memory_meta) const override { return tail(memory_meta); }
  // Colours are only compared and copied: one modeled rule serves every allocation.
  std::vector<IdentityField> identity_fields() const override {
    return {{Site::kRegister, 0, 32, kFirstColour, kColourMask},
            {Site::kRegister, 32, 32, kFirstColour, kColourMask},
            {Site::kMemory, 0, kMetaTailShift, kFirstColour, kColourMask},
            // The tail bytes: the rule only copies them (the engine turns them into overhangs).
            {Site::kMemory, kMetaTailShift, 3, 1, 7},
            {Site::kMemory, 32, kMetaTailShift, kFirstColour, kColourMask}};
  }

  // heap_binding.cpp: the allocator's calls and tag instructions, and host writes.
  std::vector<std::string> bound_functions(const ImageFacts& facts) const override;
  EventSet events() const override;
  const Denial* on_event(const Event& e, TagAccess& tags) override;
  bool repair(const Denial& d, const RuleInputs& in, uint64_t addr, TagAccess& tags) override;

  // heap_report.cpp: the metadata and violations in words.
  std::string describe(Meta m, Site site) const override;
  Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override;

 private:
  static constexpr uint32_t kMaxPalette = 1u << 20;

  const Denial* check_free(uint64_t p, uint32_t colour, const TagAccess& tags);
  uint32_t allocate(uint64_t p, uint64_t size, uint64_t site, TagAccess& tags, bool keep_values);
  void allocator_returned(const BoundCall& call, TagAccess& tags);
  const Denial* tag_instruction(const TagInstruction& t, TagAccess& tags);
  // Ends the allocation at p that a pointer of `colour` (kNoColour: unknown) names.
  void release(uint64_t p, uint32_t colour, uint64_t site, TagAccess& tags);

  std::string colour_name(uint32_t c) const;
  std::string allocation_text(const Allocation& a) const;
  std::string overflow_text(const RuleInputs& in, uint64_t addr) const;
  Explanation colour_mismatch(const RuleInputs& in, bool has_addr, uint64_t addr) const;

  AllocationRegistry registry_;
  // The address space of the denial being explained (explain() has no TagAccess): set by
  // repair() and check_free(), which run just before it.
  std::atomic<uint64_t> report_space_{0};
  const ImageFacts* facts_ = nullptr;
  const SourceLines* lines_ = nullptr;
};

}  // namespace unitag::tags::heap
