// `unitag policies`: every tag policy with one line on what it catches.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "tags/policies/registry.h"

namespace unitag {

void add_policies_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("policies", "List the tag policies and what each catches");
  cmd->callback([] {
    for (const auto& info : tags::all_policies()) {
      const auto p = info.make();
      std::cout << fmt::format("{:<6} {}\n", p->name(), p->summary());
      for (const std::string& o : p->options()) std::cout << fmt::format("       option {}\n", o);
    }
    std::cout << "Combine with commas, options after a colon: unitag run IMAGE --policy "
                 "heap:colours=16,stack,cfi,rwx (docs/policies.md)\n";
  });
}

}  // namespace unitag
