// Every tag policy unitag knows, by name: `--policy heap,stack` builds a composite from this list
// and `unitag policies` prints it. Adding a policy: one file in tags/policies/ and one line here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tags/engine/policy.h"

namespace unitag::tags {

// Bits of unitag_bootinfo.policies (also in abi/unitag/tag_isa.h for guests).
inline constexpr uint32_t kPolicyRwx = 1u << 0;
inline constexpr uint32_t kPolicyHeap = 1u << 1;
inline constexpr uint32_t kPolicyStack = 1u << 2;
inline constexpr uint32_t kPolicyCfi = 1u << 3;
inline constexpr uint32_t kPolicyFrame = 1u << 4;

std::unique_ptr<Policy> make_rwx_policy();
std::unique_ptr<Policy> make_heap_policy();
std::unique_ptr<Policy> make_stack_policy();
std::unique_ptr<Policy> make_cfi_policy();
std::unique_ptr<Policy> make_frame_policy();

struct PolicyInfo {
  std::string name;
  std::unique_ptr<Policy> (*make)();
};
const std::vector<PolicyInfo>& all_policies();
// Builds the named policies in the given order; throws std::invalid_argument for an unknown name.
std::vector<std::unique_ptr<Policy>> make_policies(const std::vector<std::string>& names);

}  // namespace unitag::tags
