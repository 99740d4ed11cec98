// The heap policy: its rule at an allocation's end (the bytes past the end in its last word refuse
// stores and narrow loads; an aligned 8-byte load passes) and its choice of colours.
#include <gtest/gtest.h>

#include "tags/policies/heap_allocations.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr Meta kColour = 7;
// A memory word of allocation kColour whose last `invalid` bytes are past the end.
Meta last_word(unsigned invalid) { return kColour | Meta{invalid} << 29; }

const Denial* run_rule(OpGroup op, Meta mem, uint8_t overhang, Meta ci = 0) {
  static const auto heap = make_heap_policy();
  RuleInputs in{op, 0, ci, kColour, 0, mem, overhang};
  RuleOutputs out;
  return heap->rule(in, out);
}

TEST(HeapRule, TheLastWordSaysHowManyBytesArePastTheEnd) {
  const auto heap = make_heap_policy();
  EXPECT_EQ(heap->invalid_tail_bytes(0), 0u);
  EXPECT_EQ(heap->invalid_tail_bytes(kColour), 0u);
  EXPECT_EQ(heap->invalid_tail_bytes(last_word(6)), 6u);
  EXPECT_EQ(heap->invalid_tail_bytes(last_word(6) | Meta{9} << 32), 6u);  // holds a pointer
}

TEST(HeapRule, StoresAndNarrowLoadsPastTheEndAreRefused) {
  EXPECT_FALSE(run_rule(OpGroup::kStore, last_word(6), kNoOverhang));
  auto d = run_rule(OpGroup::kStore, last_word(6), kPastValidBytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule, "store-past-end");
  d = run_rule(OpGroup::kLoad, last_word(6), kPastValidBytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rule, "load-past-end");
  EXPECT_TRUE(run_rule(OpGroup::kStore64, last_word(6), kWholeWord));
  EXPECT_TRUE(run_rule(OpGroup::kFpLoad, last_word(6), kWholeWord));
  EXPECT_TRUE(run_rule(OpGroup::kAmo, last_word(4), kWholeWord));
}

TEST(HeapRule, AlignedWordLoadsAndAllocatorCodeMayTouchTheTail) {
  EXPECT_FALSE(run_rule(OpGroup::kLoad64, last_word(6), kWholeWord));
  EXPECT_FALSE(run_rule(OpGroup::kStore, last_word(6), kPastValidBytes, /*authority*/ 1));
}

TEST(HeapRule, StoresKeepTheWordsTail) {
  const auto heap = make_heap_policy();
  RuleInputs in{OpGroup::kStore64, 0, 0, kColour, 9, last_word(3), kNoOverhang};
  RuleOutputs out;
  EXPECT_FALSE(heap->rule(in, out));
  EXPECT_EQ(heap->invalid_tail_bytes(out.mem), 3u);
  EXPECT_EQ(out.mem >> 32, 9u);  // and hold the stored pointer's colour
}

// Register colour after an add-group instruction; ci = 2 marks a `sub` (the policy's CI bit).
Meta arithmetic(Meta rs1, Meta rs2, Meta ci) {
  static const auto heap = make_heap_policy();
  RuleInputs in{OpGroup::kAdd, 0, ci, rs1, rs2, 0, kNoOverhang};
  RuleOutputs out;
  EXPECT_FALSE(heap->rule(in, out));
  return out.rd;
}

TEST(HeapRule, PointerPlusOrMinusAnIntegerKeepsTheColour) {
  EXPECT_EQ(arithmetic(kColour, 0, 0), kColour);
  EXPECT_EQ(arithmetic(0, kColour, 0), kColour);
  EXPECT_EQ(arithmetic(kColour, 0, /*sub*/ 2), kColour);
}

// A register holds a formal sum: the colour it adds (bits 0-31) and the one it subtracts
// (bits 32-63).
constexpr Meta minus(Meta colour) { return colour << 32; }
constexpr Meta kOther = 9;

TEST(HeapRule, ADifferenceOfPointersIntoOneAllocationIsAnInteger) {
  EXPECT_EQ(arithmetic(kColour, kColour, /*sub*/ 2), 0u);  // end - start: a length
}

TEST(HeapRule, SubtractingAPointerCancelsWhenItIsAddedBack) {
  EXPECT_EQ(arithmetic(0, kColour, /*sub*/ 2), minus(kColour));                // -p
  EXPECT_EQ(arithmetic(kOther, kColour, /*sub*/ 2), kOther | minus(kColour));  // dst - src
  // src + (dst - src) is dst (glibc's memcpy re-bases dst on src): checked as dst.
  EXPECT_EQ(arithmetic(kColour, kOther | minus(kColour), 0), kOther);
  EXPECT_EQ(arithmetic(kOther | minus(kColour), kColour, 0), kOther);
  // A stack destination (untagged): src + (stack - src) is untagged, not src.
  EXPECT_EQ(arithmetic(kColour, minus(kColour), 0), 0u);
  // x - (q - p) = x + p - q
  EXPECT_EQ(arithmetic(0, kOther | minus(kColour), /*sub*/ 2), kColour | minus(kOther));
}

TEST(HeapRule, ASumOfTwoDifferentPointersIsNothing) {
  EXPECT_EQ(arithmetic(kColour, kOther, 0), 0u);
  EXPECT_EQ(arithmetic(minus(kColour), kOther, /*sub*/ 2), 0u);  // -p - q
}

TEST(HeapRule, AValueThatSubtractsAPointerIsNotChecked) {
  static const auto heap = make_heap_policy();
  RuleInputs in{OpGroup::kStore, 0, 0, kOther | minus(kColour), 0, kColour, kNoOverhang};
  RuleOutputs out;
  EXPECT_FALSE(heap->rule(in, out));
  in.rs1 = kOther;  // the same word through a plain pointer to another allocation
  EXPECT_TRUE(heap->rule(in, out));
}

TEST(HeapRule, AStoredDifferenceKeepsItsSubtractedPointer) {
  static const auto heap = make_heap_policy();
  RuleInputs in{OpGroup::kStore64, 0, 0, 0, kOther | minus(kColour), 0, kNoOverhang};
  RuleOutputs out;
  EXPECT_FALSE(heap->rule(in, out));
  RuleInputs load{OpGroup::kLoad64, 0, 0, 0, 0, out.mem, kNoOverhang};
  RuleOutputs loaded;
  EXPECT_FALSE(heap->rule(load, loaded));
  EXPECT_EQ(loaded.rd, minus(kColour));  // the added colour is dropped: it cancels to nothing
}

TEST(HeapRule, MaskingToLowBitsGivesAnOffset) {
  static const auto heap = make_heap_policy();
  RuleInputs in{OpGroup::kLogic, 0, /*masks low*/ 64, kColour, 0, 0, kNoOverhang};
  RuleOutputs out;
  EXPECT_FALSE(heap->rule(in, out));
  EXPECT_EQ(out.rd, 0u);  // p & 7
  in.ci = 0;
  EXPECT_FALSE(heap->rule(in, out));
  EXPECT_EQ(out.rd, kColour);  // p & -8
}

}  // namespace
}  // namespace unitag::tags

namespace unitag::tags {
// With a bounded palette, colours cycle but a new block never shares a colour with the live
// block just below or just above it, so linear overflows still meet another colour.
TEST(AllocationRegistry, PaletteKeepsNeighboursApart) {
  AllocationRegistry r;
  r.set_palette(3);
  const uint32_t a = r.add(0x1000, 16, 0, 0);
  const uint32_t b = r.add(0x1020, 16, 0, 0);
  const uint32_t c = r.add(0x1040, 16, 0, 0);
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  // Free the middle block and allocate into the gap: its colour differs from both neighbours.
  r.mark_freed(r.live_containing(0x1020)->id, 0, 0);
  const uint32_t d = r.add(0x1020, 16, 0, 0);
  EXPECT_NE(d, a);
  EXPECT_NE(d, c);
  for (uint32_t x : {a, b, c, d}) EXPECT_LT(x, kFirstColour + 3);
  // The colour names an allocation only together with an address.
  EXPECT_EQ(r.by_colour(d, 0x1024)->base, 0x1020u);
  EXPECT_FALSE(r.by_colour(d, 0x1024)->freed);
}

TEST(AllocationRegistry, UnboundedColoursNameOneAllocation) {
  AllocationRegistry r;
  const uint32_t a = r.add(0x1000, 16, 0, 0);
  r.mark_freed(r.live_containing(0x1000)->id, 0, 0);
  const uint32_t b = r.add(0x1000, 16, 0, 0);
  EXPECT_NE(a, b);
  EXPECT_TRUE(r.by_colour(a, 0)->freed);
  EXPECT_FALSE(r.by_colour(b, 0)->freed);
}
}  // namespace unitag::tags
