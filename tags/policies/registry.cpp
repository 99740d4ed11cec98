#include "tags/policies/registry.h"

#include <stdexcept>

#include "abi/unitag/bootinfo.h"

namespace unitag::tags {

// Guests read the same bits from the ABI header.
static_assert(policy_bit::rwx == UNITAG_POLICY_RWX && policy_bit::heap == UNITAG_POLICY_HEAP &&
              policy_bit::stack == UNITAG_POLICY_STACK && policy_bit::cfi == UNITAG_POLICY_CFI &&
              policy_bit::frame == UNITAG_POLICY_FRAME && policy_bit::mte == UNITAG_POLICY_MTE &&
              policy_bit::bounds == UNITAG_POLICY_BOUNDS &&
              policy_bit::types == UNITAG_POLICY_TYPES);

// Every subset of the policies composes: all of them fit in one tag tuple.
constexpr size_t kPolicyCount = 0
#define POLICY(name, bit) +1
#include "tags/policies/policies.inc"
#undef POLICY
    ;
static_assert(kPolicyCount <= kMaxPolicies, "raise kMaxPolicies (tags/store/tag_table.h)");

const std::vector<PolicyInfo>& all_policies() {
  static const std::vector<PolicyInfo> list = {
#define POLICY(name, bit) {#name, policy_bit::name, &make_##name##_policy},
#include "tags/policies/policies.inc"
#undef POLICY
  };
  return list;
}

namespace {
const PolicyInfo* find_policy(std::string_view name) {
  for (const PolicyInfo& p : all_policies())
    if (p.name == name) return &p;
  return nullptr;
}
}  // namespace

uint32_t policy_bits(const std::vector<std::unique_ptr<Policy>>& policies) {
  uint32_t bits = 0;
  for (const auto& p : policies) bits |= find_policy(p->name())->bit;
  return bits;
}

std::vector<std::unique_ptr<Policy>> make_policies(const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Policy>> out;
  for (const std::string& spec : names) {
    // NAME[:KEY=VALUE...]
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t colon = spec.find(':', start);
      parts.push_back(spec.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    const std::string& n = parts[0];
    const PolicyInfo* found = find_policy(n);
    if (!found) throw std::invalid_argument("unknown policy '" + n + "'");
    for (const auto& existing : out)
      if (existing->name() == n) throw std::invalid_argument("policy '" + n + "' given twice");
    std::unique_ptr<Policy> policy = found->make();
    for (size_t i = 1; i < parts.size(); ++i) {
      const size_t eq = parts[i].find('=');
      const std::string key = parts[i].substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : parts[i].substr(eq + 1);
      if (auto error = policy->set_option(key, value)) {
        std::string known;
        for (const std::string& o : policy->options()) known += (known.empty() ? "" : "; ") + o;
        throw std::invalid_argument(
            "policy '" + n + "': " + *error +
            (known.empty() ? " (it takes no options)" : " (options: " + known + ")"));
      }
    }
    out.push_back(std::move(policy));
  }
  return out;
}

}  // namespace unitag::tags
