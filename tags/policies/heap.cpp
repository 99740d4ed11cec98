// heap: colour-based heap safety (PUMP's memory-safety policy). Each allocation gets a fresh
// colour on its words and on the pointer returned; pointer arithmetic keeps the colour; an
// access through a coloured pointer must hit a word of the same colour. Catches heap overflow,
// underflow, use after free (freed words are recoloured), double free and free of a non-heap or
// interior pointer. Byte-granular at the end: the last word of an allocation whose size is not a
// multiple of 8 records how many of its bytes are past the end (HWASan's short granules), and a
// store or narrow load touching them is a heap-buffer-overflow, so off-by-one errors inside that
// word are caught. Binds to picolibc's malloc/free/calloc/realloc/aligned_alloc/memalign/
// posix_memalign by symbol (or a Linux program's glibc ones), or to the custom-0 tag
// instructions of a tag-aware allocator.
// Costs: tags grow with allocations (a colour each, plus one per odd-sized last word), so
// pointer-heavy code misses the rule cache more; option colours=N bounds that with a reused
// palette (neighbours always differ), at the price of missing stale pointers whose block was
// reallocated with the same colour. Cannot catch: an over-read by an aligned
// 8-byte load of an allocation's last word (allowed for word-at-a-time string code; picolibc's
// own string functions read bytes), bytes before an allocation whose base is not 8-byte aligned
// (tag.alloc from a custom allocator), the second word of a misaligned access spanning two
// words, and accesses through pointers whose colour was lost (byte-wise copies, integer casts
// through narrow arithmetic) into another live allocation: those are unchecked, never false
// positives.
// This file is the rule; heap_binding.cpp colours memory for the allocator and on host writes,
// heap_report.cpp puts colours and violations in words.
#include "tags/policies/heap.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "tags/policies/pointer_tags.h"

namespace unitag::tags {
namespace heap {
namespace {
// Data accesses the colours must match for (tag.get only reads a tag, not the data).
bool is_access(OpGroup op) { return accesses_memory(op) && op != OpGroup::kTagGet; }

// a + b (a - b when subtracting) as a formal sum of colours: equal terms of one sign merge, a
// term and its negation cancel, and a sum left with two different colours of one sign says
// nothing (0, unchecked).
Meta add_sums(Meta a, Meta b, bool subtract) {
  std::array<uint32_t, 2> p{plus(a), subtract ? minus(b) : plus(b)};
  std::array<uint32_t, 2> m{minus(a), subtract ? plus(b) : minus(b)};
  for (uint32_t& x : p)
    for (uint32_t& y : m)
      if (x != kNoColour && x == y) x = y = kNoColour;
  auto one = [](const std::array<uint32_t, 2>& t, bool& ok) {
    if (t[0] && t[1] && t[0] != t[1]) ok = false;
    return t[0] ? t[0] : t[1];
  };
  bool ok = true;
  const uint32_t plus_colour = one(p, ok), minus_colour = one(m, ok);
  return ok ? sum(plus_colour, minus_colour) : 0;
}

// The register a move or pointer arithmetic leaves (nullopt for other opgroups).
std::optional<Meta> pointer_arithmetic(OpGroup op, Meta ci, Meta rs1, Meta rs2) {
  if (op == OpGroup::kAdd) return add_sums(rs1, rs2, (ci & kSubtracts) != 0);
  return derived_pointer_tag(op, ci, rs1, rs2);  // moves and masks: as for any pointer tag
}
}  // namespace

std::string_view Heap::summary() const {
  return "heap overflow/underflow (byte-granular at an allocation's end), use after free, "
         "double free, free of non-heap or interior pointers";
}

std::optional<std::string> Heap::set_option(std::string_view key, std::string_view value) {
  if (key != "colours") return "unknown option '" + std::string(key) + "'";
  uint32_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n > kMaxPalette)
    return fmt::format("colours={}: give a number of colours from 1 to {} (0: unbounded)", value,
                       kMaxPalette);
  registry_.set_palette(n);
  return std::nullopt;
}

std::vector<std::string> Heap::options() const {
  return {
      "colours=N: reuse N colours, as hardware with few tag bits would (0, the default: a "
      "fresh colour per allocation)"};
}

unsigned Heap::inputs(OpGroup op, bool) const {
  return op == OpGroup::kTagAlloc || op == OpGroup::kTagFree ? unsigned{kCi}
                                                             : pointer_tag_inputs(op);
}

Meta Heap::code_meta(const ImageFacts& facts, uint64_t pc) const {
  return pointer_code_meta(facts, pc);
}

const Denial* Heap::rule(const RuleInputs& in, RuleOutputs& out) const {
  if (const auto rd = pointer_arithmetic(in.op, in.ci, in.rs1, in.rs2)) {
    out.rd = *rd;
    return nullptr;
  }
  if (in.op == OpGroup::kTagAlloc || in.op == OpGroup::kTagFree)
    return in.ci & kAuthority ? nullptr : &kTagAuthority;
  if (!is_access(in.op)) return nullptr;
  const bool trusted = in.ci & kAuthority;
  const uint32_t ptr = pointee(in.rs1), loc = location(in.mem);
  const bool store = writes_memory(in.op);
  if (!trusted && ptr != kNoColour && ptr != loc) return store ? &kStoreColour : &kLoadColour;
  // The bytes past an allocation's end in its last word belong to nobody, whatever the
  // pointer's colour. An aligned 8-byte load of that word is let through: word-at-a-time
  // string code (glibc's and musl's strlen, not picolibc's, which reads bytes) reads whole
  // words and ignores the bytes after the terminator; an over-read made that way is missed.
  if (!trusted && in.overhang != kNoOverhang &&
      !(in.overhang == kWholeWord && in.op == OpGroup::kLoad64))
    return store ? &kStorePastEnd : &kLoadPastEnd;
  const StoredPointerFlow flow = stored_pointer_flow(in.op, in.ci);
  if (flow.rd_gets_stored) out.rd = from_stored(value(in.mem));
  if (store)  // a narrower store breaks a stored pointer
    out.mem = flow.writes
                  ? word(location_and_tail(in.mem),
                         to_stored(stored_pointer_after(flow, from_stored(value(in.mem)), in.rs2)))
                  : in.mem;
  return nullptr;
}

}  // namespace heap

std::unique_ptr<Policy> make_heap_policy() { return std::make_unique<heap::Heap>(); }

}  // namespace unitag::tags
