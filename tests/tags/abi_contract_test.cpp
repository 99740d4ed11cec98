// The host side of the host/guest tag contract (abi/unitag/): guests test boot info bits and
// trap causes by the abi names, so the host's numbers must be the same ones.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "abi/unitag/bootinfo.h"
#include "abi/unitag/tag_contract.h"
#include "abi/unitag/trap_causes.h"
#include "tags/engine/engine.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

TEST(AbiContract, EveryPolicyBitIsTheOneGuestsRead) {
  const std::map<std::string, uint32_t> abi_bits = {{"rwx", UNITAG_POLICY_RWX},
                                                    {"heap", UNITAG_POLICY_HEAP},
                                                    {"stack", UNITAG_POLICY_STACK},
                                                    {"cfi", UNITAG_POLICY_CFI},
                                                    {"frame", UNITAG_POLICY_FRAME}};
  ASSERT_EQ(all_policies().size(), abi_bits.size())
      << "a policy was added or removed: give it a UNITAG_POLICY_* bit in abi/unitag/bootinfo.h";
  for (const PolicyInfo& info : all_policies()) {
    SCOPED_TRACE(info.name);
    ASSERT_TRUE(abi_bits.count(info.name)) << "no UNITAG_POLICY_* bit for this policy";
    EXPECT_EQ(info.make()->bit(), abi_bits.at(info.name));
  }
}

TEST(AbiContract, ViolationTrapCauseIsTheAbiOneAndNamed) {
  EXPECT_EQ(kTagViolationCause, uint64_t{UNITAG_TAG_VIOLATION_CAUSE});
  EXPECT_STREQ(unitag_exception_name(kTagViolationCause), "tag policy violation");
  // Not one the privileged spec defines, so no real exception is ever mistaken for it.
  EXPECT_GE(kTagViolationCause, 16u);
}

}  // namespace
}  // namespace unitag::tags
