// Every tag policy unitag knows, by name: `--policy heap,stack` builds a composite from this list
// and `unitag policies` prints it. Adding a policy: one file in tags/policies/ and one line in
// tags/policies/policies.inc (its name and its bit in unitag_bootinfo.policies).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tags/engine/policy.h"

namespace unitag::tags {

// The bit of each policy in unitag_bootinfo.policies: policy_bit::heap.
namespace policy_bit {
#define POLICY(name, bit) inline constexpr uint32_t name = 1u << (bit);
#include "tags/policies/policies.inc"
#undef POLICY
}  // namespace policy_bit

#define POLICY(name, bit) std::unique_ptr<Policy> make_##name##_policy();
#include "tags/policies/policies.inc"
#undef POLICY

struct PolicyInfo {
  std::string name;
  uint32_t bit;  // in unitag_bootinfo.policies
  std::unique_ptr<Policy> (*make)();
};
const std::vector<PolicyInfo>& all_policies();
// Builds the named policies in the given order; throws std::invalid_argument for an unknown name.
std::vector<std::unique_ptr<Policy>> make_policies(const std::vector<std::string>& names);
// The unitag_bootinfo.policies bits of these policies.
uint32_t policy_bits(const std::vector<std::unique_ptr<Policy>>& policies);

}  // namespace unitag::tags
