// Every registered policy's rule reads only the inputs it declares (so the engine's zeroing of
// the others and its memo are exact), and the check itself catches a rule that does not.
#include <gtest/gtest.h>

#include "tags/policies/registry.h"
#include "tests/tags/policy_checks.h"

namespace unitag::tags {
namespace {

TEST(PolicyInputs, EveryRegisteredRuleReadsOnlyItsDeclaredInputs) {
  ASSERT_FALSE(all_policies().empty());
  for (const PolicyInfo& info : all_policies()) {
    const auto policy = info.make();
    EXPECT_EQ(undeclared_input_dependencies(*policy), "") << info.name;
  }
}

// Declares rs1 for adds but also reads rs2: the check must say so.
class ReadsUndeclaredRs2 final : public Policy {
 public:
  std::string_view name() const override { return "leaky"; }
  std::string_view summary() const override { return "test"; }
  unsigned inputs(OpGroup op, bool) const override {
    return op == OpGroup::kAdd ? unsigned{kRs1} : 0u;
  }
  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    if (in.op == OpGroup::kAdd) out.rd = in.rs1 | in.rs2;
    return nullptr;
  }
  std::string describe(Meta, Site) const override { return "-"; }
};

TEST(PolicyInputs, TheCheckFindsARuleReadingAnUndeclaredInput) {
  const std::string problems = undeclared_input_dependencies(ReadsUndeclaredRs2{});
  EXPECT_NE(problems.find("leaky: opgroup add"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("opgroup move"), std::string::npos) << problems;
}

}  // namespace
}  // namespace unitag::tags
