// Canonical rules: identities renamed by first appearance merge rules that differ only in which
// objects they name, outputs that copy an identity follow it, and a merge whose outcomes differ
// (a policy that reads meaning into a declared identity) is refused and counted.
#include "tags/engine/canonical_rules.h"

#include <gtest/gtest.h>

namespace unitag::tags {
namespace {

// One member whose register field and memory low half are colours 2..1000.
CanonicalRules colours(bool enabled = true) {
  return CanonicalRules(
      {"colours"}, {{{Site::kRegister, 0, 32, 2, 1000}, {Site::kMemory, 0, 32, 2, 1000}}}, enabled);
}

MemberRule load(Meta pointer, Meta word, Meta result) {
  MemberRule r;
  r.in.op = OpGroup::kLoad64;
  r.in.rs1 = pointer;
  r.in.mem = word;
  r.out.rd = result;
  return r;
}

uint32_t classify(CanonicalRules& c, const MemberRule& r, uint32_t denial = 0) {
  return c.classify(static_cast<uint32_t>(OpGroup::kLoad64), std::span(&r, 1), denial).id;
}
uint32_t set_index(CanonicalRules& c, const MemberRule& r) {
  return c.classify(static_cast<uint32_t>(OpGroup::kLoad64), std::span(&r, 1), 0).set_index;
}

}  // namespace

TEST(CanonicalRules, MatchingColoursShareOneRule) {
  CanonicalRules c = colours();
  const uint32_t a = classify(c, load(7, 7, 0));
  EXPECT_EQ(classify(c, load(9, 9, 0)), a);
  EXPECT_EQ(classify(c, load(500, 500, 0)), a);
  EXPECT_NE(classify(c, load(7, 9, 0), 1), a);  // a mismatch is another pattern
  EXPECT_EQ(c.canonical_rules(), 2u);
  EXPECT_EQ(c.merged(), 2u);
  EXPECT_EQ(c.unsound(), 0u);
}

TEST(CanonicalRules, OutputsCopyingAnInputFollowIt) {
  CanonicalRules c = colours();
  // rd takes the word's colour: one rule whatever the colour.
  EXPECT_EQ(classify(c, load(0, 7, 7)), classify(c, load(0, 40, 40)));
  // An output naming an identity no input has cannot be canonical: each gets its own rule.
  EXPECT_NE(classify(c, load(0, 7, 8)), classify(c, load(0, 40, 41)));
}

TEST(CanonicalRules, LiteralsStayApartFromIdentities) {
  CanonicalRules c = colours();
  // 1 is below the identity range (a "freed" colour): kept as it is, unlike colour 7.
  EXPECT_NE(classify(c, load(7, 1, 0), 1), classify(c, load(7, 8, 0), 1));
}

TEST(CanonicalRules, DifferentOutcomesForOnePatternAreRefused) {
  CanonicalRules c = colours();
  // A rule that allows 7 -> 9 but denies 7 -> 11 reads meaning into the colours.
  const uint32_t allowed = classify(c, load(7, 9, 0));
  const uint32_t denied = classify(c, load(7, 11, 0), 3);
  EXPECT_NE(allowed, denied);
  EXPECT_EQ(c.unsound(), 1u);
  EXPECT_NE(c.first_unsound().find("colours"), std::string::npos) << c.first_unsound();
}

TEST(CanonicalRules, DisabledKeysEveryConcreteRuleApart) {
  CanonicalRules c = colours(false);
  EXPECT_NE(classify(c, load(7, 7, 0)), classify(c, load(9, 9, 0)));
  EXPECT_EQ(c.merged(), 0u);
}

TEST(CanonicalRules, AMemberWhoseIdentitiesDoNotSufficeIsKeyedOnValues) {
  CanonicalRules c = colours();
  MemberRule a = load(7, 9, 0), b = load(8, 10, 0);
  a.identities_suffice = b.identities_suffice = false;
  EXPECT_NE(classify(c, a), classify(c, b));
  EXPECT_EQ(c.unsound(), 0u);
}

// Where the modeled cache looks a rule up follows its content, not the order rules were met in:
// the same rule lands in the same set whatever came before it.
TEST(CanonicalRules, TheSetIndexIsTheRulesContentNotItsArrival) {
  CanonicalRules first = colours(), second = colours();
  (void)classify(second, load(3, 4, 0), 1);  // an unrelated rule met first
  (void)classify(second, load(0, 0, 0));
  EXPECT_NE(classify(first, load(7, 7, 0)), classify(second, load(7, 7, 0)));  // ids differ
  EXPECT_EQ(set_index(first, load(7, 7, 0)), set_index(second, load(9, 9, 0)));
  EXPECT_NE(set_index(first, load(7, 7, 0)), set_index(first, load(0, 0, 0)));
}

}  // namespace unitag::tags
