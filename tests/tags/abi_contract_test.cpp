// The host side of the host/guest tag contract (abi/unitag/): guests test boot info bits and
// trap causes by the abi names, so the host's numbers must be the same ones.
#include <gtest/gtest.h>

#include "abi/unitag/tag_contract.h"
#include "abi/unitag/trap_causes.h"
#include "tags/engine/engine.h"

namespace unitag::tags {
namespace {

// Each policy bit agrees with its UNITAG_POLICY_* define by a static_assert in registry.cpp.
TEST(AbiContract, ViolationTrapCauseIsTheAbiOneAndNamed) {
  EXPECT_EQ(kTagViolationCause, uint64_t{UNITAG_TAG_VIOLATION_CAUSE});
  EXPECT_STREQ(unitag_exception_name(kTagViolationCause), "tag policy violation");
  // Not one the privileged spec defines, so no real exception is ever mistaken for it.
  EXPECT_GE(kTagViolationCause, 16u);
}

}  // namespace
}  // namespace unitag::tags
