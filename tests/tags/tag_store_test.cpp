// The tag store: interning makes equal metadata equal handles; shadow memory is sparse.
#include <gtest/gtest.h>

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
