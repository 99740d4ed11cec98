// The modeled rule cache: finite size, associativity and LRU replacement decide its misses.
#include "tags/engine/rule_cache.h"

#include <gtest/gtest.h>

namespace unitag::tags {
namespace {
RuleKey key(Tag rs1) { return RuleKey::make(0, 0, 0, rs1, 0, 0); }
// Every key hashes to set 0 with this hash, so the test controls conflicts.
constexpr size_t kSameSet = 0;
}  // namespace

TEST(RuleCache, MissThenHit) {
  RuleCache c(16, 4);
  bool miss;
  EXPECT_EQ(c.lookup(key(1), kSameSet, miss), nullptr);
  EXPECT_TRUE(miss);
  c.insert(key(1), kSameSet, RuleResult{});
  EXPECT_NE(c.lookup(key(1), kSameSet, miss), nullptr);
  EXPECT_FALSE(miss);
  EXPECT_EQ(c.hits, 1u);
  EXPECT_EQ(c.misses, 1u);
}

TEST(RuleCache, LruEvictsTheLeastRecentlyUsedWay) {
  RuleCache c(8, 2);
  bool miss;
  c.insert(key(1), kSameSet, RuleResult{});
  c.insert(key(2), kSameSet, RuleResult{});
  EXPECT_NE(c.lookup(key(1), kSameSet, miss), nullptr);  // 1 is now most recent
  c.insert(key(3), kSameSet, RuleResult{});              // evicts 2
  EXPECT_NE(c.lookup(key(1), kSameSet, miss), nullptr);
  EXPECT_EQ(c.lookup(key(2), kSameSet, miss), nullptr);
  EXPECT_TRUE(miss);
}

TEST(RuleCache, DirectMappedConflictsMiss) {
  RuleCache c(8, 1);
  bool miss;
  c.insert(key(1), kSameSet, RuleResult{});
  c.insert(key(2), kSameSet, RuleResult{});
  EXPECT_EQ(c.lookup(key(1), kSameSet, miss), nullptr);
  EXPECT_TRUE(miss);
}

TEST(RuleCache, IdealCacheMissesOnlyOnFirstUse) {
  RuleCache c(0, 1);
  bool miss;
  EXPECT_EQ(c.lookup(key(1), 5, miss), nullptr);
  EXPECT_TRUE(miss);
  c.insert(key(1), 5, RuleResult{});
  c.insert(key(2), 5, RuleResult{});  // pushes key 1 out of the host table
  c.lookup(key(1), 5, miss);
  EXPECT_FALSE(miss);
  EXPECT_EQ(c.misses, 1u);
}

}  // namespace unitag::tags
