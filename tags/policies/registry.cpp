#include "tags/policies/registry.h"

#include <stdexcept>

namespace unitag::tags {

const std::vector<PolicyInfo>& all_policies() {
  static const std::vector<PolicyInfo> list = {
      {"rwx", &make_rwx_policy},
      {"heap", &make_heap_policy},
      {"stack", &make_stack_policy},
      {"cfi", &make_cfi_policy},
      {"frame", &make_frame_policy},
  };
  return list;
}

std::vector<std::unique_ptr<Policy>> make_policies(const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Policy>> out;
  for (const std::string& n : names) {
    const PolicyInfo* found = nullptr;
    for (const PolicyInfo& p : all_policies())
      if (p.name == n) found = &p;
    if (!found) throw std::invalid_argument("unknown policy '" + n + "'");
    for (const auto& existing : out)
      if (existing->name() == n) throw std::invalid_argument("policy '" + n + "' given twice");
    out.push_back(found->make());
  }
  return out;
}

}  // namespace unitag::tags
