// taint and ifc rules on their own: taint's sources unite and reach only the chosen sinks;
// ifc's lattice file gives joins on a partial order (a diamond), refuses what is no lattice,
// and a store checks the word's clearance.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

std::unique_ptr<Policy> make(const std::string& spec) {
  return std::move(make_policies({spec})[0]);
}

// A lattice file in the test's temporary directory; returns the `ifc:lattice=` spec.
std::string lattice(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("unitag_" + name + ".txt");
  std::ofstream(path) << text;
  return "ifc:lattice=" + path.string();
}

TEST(TaintRule, AResultIsTaintedByTheUnionOfItsSources) {
  const auto taint = make("taint");
  RuleInputs in{OpGroup::kFpOther};
  in.rs1 = 1;  // semihosting read
  in.rs3 = 2;  // UART receive (rs3 of a fused multiply-add counts too)
  RuleOutputs out;
  EXPECT_EQ(taint->rule(in, out), nullptr);
  EXPECT_EQ(out.rd, 3u);
  EXPECT_NE(taint->describe(out.rd, Site::kRegister).find("semihosting read + UART receive"),
            std::string::npos);
}

TEST(TaintRule, OnlyTheChosenSinksRefuse) {
  RuleInputs load{OpGroup::kLoad64};
  load.rs1 = 4;  // a tainted address
  RuleInputs ret{OpGroup::kReturn};
  ret.rs1 = 4;
  RuleOutputs out;
  const auto defaults = make("taint");
  EXPECT_EQ(defaults->rule(load, out), nullptr);  // address is opt-in
  EXPECT_NE(defaults->rule(ret, out), nullptr);
  const auto address_only = make("taint:sinks=address");
  EXPECT_NE(address_only->rule(load, out), nullptr);
  EXPECT_EQ(address_only->rule(ret, out), nullptr);
  EXPECT_THROW(make("taint:sinks=jump+pc"), std::invalid_argument);
}

TEST(IfcLattice, JoinsOnADiamondAreTheLeastUpperBound) {
  // Levels in order of appearance: bottom 0, left 1, top 2, right 3.
  const auto ifc = make(lattice("diamond", "bottom < left < top\nbottom < right < top\n"));
  RuleInputs in{OpGroup::kAdd};
  RuleOutputs out;
  in.rs1 = 1;
  in.rs2 = 3;
  EXPECT_EQ(ifc->rule(in, out), nullptr);
  EXPECT_EQ(out.rd & 0xf, 2u);  // left join right = top
  in.rs2 = 0;
  EXPECT_EQ(ifc->rule(in, out), nullptr);
  EXPECT_EQ(out.rd & 0xf, 1u);  // left join bottom = left
}

TEST(IfcLattice, WhatIsNoLatticeIsRefusedWithTheReason) {
  const auto refused = [](const std::string& name, const std::string& text) {
    try {
      make(lattice(name, text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused("two_tops", "b < x\nb < y\nb < l < x\nl < y\nb < r < x\nr < y\n")
                .find("have no least upper bound: not a lattice"),
            std::string::npos);
  EXPECT_NE(refused("cycle", "a < b\nb < a\n").find("cycle"), std::string::npos);
  EXPECT_NE(refused("unknown", "a < b\ndata x c\n").find("line 2: unknown level 'c'"),
            std::string::npos);
  EXPECT_NE(refused("missing", "").find("no levels"), std::string::npos);
}

TEST(IfcRule, AStoreAboveTheWordsClearanceIsRefused) {
  const auto ifc = make("ifc");  // public < secret
  constexpr Meta kPublicClearance = 1 << 4, kSecret = 1;
  RuleInputs in{OpGroup::kStore64};
  RuleOutputs out;
  in.rs2 = kSecret;
  in.mem = kPublicClearance;
  EXPECT_NE(ifc->rule(in, out), nullptr);
  in.mem = 0;  // unlabelled memory takes the value's level
  EXPECT_EQ(ifc->rule(in, out), nullptr);
  EXPECT_EQ(out.mem, kSecret);
}

}  // namespace
}  // namespace unitag::tags
