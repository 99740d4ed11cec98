// The heap policy's rule at an allocation's end: the bytes past the end in its last word refuse
// stores and narrow loads, and let an aligned 8-byte load through (word-at-a-time code).
#include <gtest/gtest.h>

#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr Meta kColour = 7;
// A memory word of allocation kColour whose last `invalid` bytes are past the end.
Meta last_word(unsigned invalid) { return kColour | Meta{invalid} << 29; }

std::optional<Denial> run_rule(OpGroup op, Meta mem, uint8_t overhang, Meta ci = 0) {
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

TEST(HeapRule, ADifferenceOfPointersOrIntegerMinusPointerIsAnInteger) {
  EXPECT_EQ(arithmetic(kColour, kColour, /*sub*/ 2), 0u);  // end - start: a length
  EXPECT_EQ(arithmetic(0, kColour, /*sub*/ 2), 0u);        // -p, 8 - (p & 7)
  EXPECT_EQ(arithmetic(kColour, 9, /*sub*/ 2), 0u);
}

}  // namespace
}  // namespace unitag::tags
