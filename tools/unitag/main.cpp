// The unitag command line: run images, and (as they land) list policies, benchmark, report.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "machine/errors.h"
#include "tools/unitag/bench/bench_command.h"
#include "tools/unitag/debug/report_command.h"
#include "tools/unitag/run_command.h"

namespace unitag {
void add_policies_command(CLI::App& app);  // tools/unitag/policies_command.cpp
}

int main(int argc, char** argv) {
  CLI::App app{"unitag: unikernels on a tagged multi-hart RISC-V machine"};
  app.require_subcommand(1);
  int exit_code = 0;
  unitag::add_run_command(app, &exit_code);
  unitag::add_policies_command(app);
  unitag::add_report_command(app, &exit_code);
  unitag::add_bench_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    // One line: what is wrong, then where to look (CLI11 messages can span lines).
    std::string what = e.what();
    for (char& c : what)
      if (c == '\n') c = ' ';
    std::cerr << fmt::format("unitag: error: {}; see `unitag run --help`\n", what);
    return unitag::exit_code::kUsage;
  } catch (const unitag::UserError& e) {
    std::cerr << fmt::format("unitag: error: {}\n", e.what());
    return e.code();
  } catch (const std::exception& e) {
    std::cerr << fmt::format("unitag: internal error: {}\n", e.what());
    return unitag::exit_code::kInternal;
  }
  return exit_code;
}
