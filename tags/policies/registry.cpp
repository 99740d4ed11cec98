#include "tags/policies/registry.h"

#include <stdexcept>

namespace unitag::tags {

const std::vector<PolicyInfo>& all_policies() {
  static const std::vector<PolicyInfo> list = {
      {"rwx", &make_rwx_policy}, {"heap", &make_heap_policy},   {"stack", &make_stack_policy},
      {"cfi", &make_cfi_policy}, {"frame", &make_frame_policy},
  };
  return list;
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
    const PolicyInfo* found = nullptr;
    for (const PolicyInfo& p : all_policies())
      if (p.name == n) found = &p;
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
