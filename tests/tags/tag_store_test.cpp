// The tag store: interning makes equal metadata equal handles; shadow memory is sparse.
#include <gtest/gtest.h>

#include "tags/engine/opgroup.h"
#include "tags/engine/rule_cache.h"
#include "tags/store/shadow_memory.h"
#include "tags/store/tag_table.h"

namespace unitag::tags {

TEST(TagTable, DefaultTagIsHandleZero) {
  TagTable t;
  EXPECT_EQ(t.intern(TagTuple{}), 0u);
  EXPECT_EQ(t.size(), 1u);
}

TEST(TagTable, EqualTuplesInternToOneHandle) {
  TagTable t;
  TagTuple a;
  a.member[1] = 42;
  const Tag h = t.intern(a);
  EXPECT_NE(h, 0u);
  EXPECT_EQ(t.intern(a), h);
  EXPECT_EQ(t.member(h, 1), 42u);
  EXPECT_EQ(t.with_member(h, 1, 0), 0u);
  EXPECT_EQ(t.with_member(0, 1, 42), h);
}

TEST(TagTable, HandlesStayValidAcrossChunks) {
  TagTable t;
  std::vector<Tag> handles;
  for (Meta i = 1; i <= 10000; ++i) {
    TagTuple x;
    x.member[0] = i;
    handles.push_back(t.intern(x));
  }
  for (Meta i = 1; i <= 10000; ++i) EXPECT_EQ(t.member(handles[i - 1], 0), i);
}

// A tail function that reads member 0's low 3 bits as the invalid tail bytes.
unsigned low_bits_tail(const TagTuple& t, const void*) { return t.member[0] & 7; }

TEST(TagTable, HandleCarriesTheTuplesInvalidTailBytes) {
  TagTable t;
  t.set_tail_function(&low_bits_tail, nullptr);
  TagTuple a, b;
  a.member[0] = 0x13;  // tail 3
  b.member[0] = 0x10;  // tail 0
  const Tag ha = t.intern(a), hb = t.intern(b);
  EXPECT_EQ(tail_invalid_bytes(ha), 3u);
  EXPECT_EQ(tail_invalid_bytes(hb), 0u);
  EXPECT_EQ(t.intern(a), ha);  // equal tuples, equal handles
  EXPECT_EQ(t.member(ha, 0), 0x13u);
  EXPECT_EQ(t.with_member(hb, 0, 0x13), ha);
  EXPECT_EQ(t.size(), 3u);
}

TEST(AccessOverhang, OnlyAccessesReachingTheInvalidBytesOverhang) {
  const Tag six_valid = Tag{2} << kTailShift | 5, whole = 5;  // 2 invalid bytes; none
  EXPECT_EQ(access_overhang(whole, 0x1000, 8), 0u);
  EXPECT_EQ(access_overhang(six_valid, 0x1000, 4), 0u);  // bytes 0-3
  EXPECT_EQ(access_overhang(six_valid, 0x1004, 2), 0u);  // bytes 4-5: the last valid ones
  EXPECT_EQ(access_overhang(six_valid, 0x1005, 1), 0u);
  EXPECT_EQ(access_overhang(six_valid, 0x1006, 1), 1u);  // byte 6: past the end
  EXPECT_EQ(access_overhang(six_valid, 0x1004, 4), 1u);  // bytes 4-7
  EXPECT_EQ(access_overhang(six_valid, 0x1000, 8), 2u);  // the aligned whole word
  EXPECT_EQ(access_overhang(six_valid, 0x1002, 8), 1u);  // misaligned, spills over
}

// The rule key carries the access's offset and size in a tail word, so each member judges the
// access against its own invalid bytes: a global's 2-byte tail does not make a member with
// none (heap, for a word it does not colour) see an overhang.
TEST(AccessOverhang, EachMemberJudgesItsOwnTail) {
  const RuleKey byte6 = RuleKey::make(
      static_cast<uint32_t>(OpGroup::kStore) | access_shape(0x1006, 1), 0, 0, 0, 0, 0);
  EXPECT_EQ(byte6.overhang_for(2), kPastValidBytes);
  EXPECT_EQ(byte6.overhang_for(1), kNoOverhang);  // byte 6 is still valid with one bad byte
  EXPECT_EQ(byte6.overhang_for(0), kNoOverhang);
  const RuleKey whole = RuleKey::make(access_shape(0x1000, 8), 0, 0, 0, 0, 0);
  EXPECT_EQ(whole.overhang_for(3), kWholeWord);
  const RuleKey plain = RuleKey::make(static_cast<uint32_t>(OpGroup::kStore), 0, 0, 0, 0, 0);
  EXPECT_EQ(plain.overhang_for(7), kNoOverhang);  // no shape: the word has no invalid bytes
}

TEST(ShadowMemory, UntouchedPagesCostNothing) {
  ShadowMemory s(64ull << 20);
  EXPECT_EQ(s.get(0x80001000), 0u);
  s.set(0x80001000, 0);  // writing the default allocates nothing
  EXPECT_EQ(s.pages_allocated(), 0u);
  s.set(0x80001008, 7);
  EXPECT_EQ(s.get(0x80001008), 7u);
  EXPECT_EQ(s.get(0x8000100f), 7u);  // same 8-byte word
  EXPECT_EQ(s.get(0x80001010), 0u);
  EXPECT_EQ(s.pages_allocated(), 1u);
}

TEST(ShadowMemory, OutsideRamIsAlwaysDefault) {
  ShadowMemory s(1ull << 20);
  s.set(0x10000000, 5);
  EXPECT_EQ(s.get(0x10000000), 0u);
  s.set(0x80000000 + (1ull << 20), 5);
  EXPECT_EQ(s.get(0x80000000 + (1ull << 20)), 0u);
}

}  // namespace unitag::tags
