// `unitag bench`: runs the named benchmark suites (tools/unitag/bench/*_suite.cpp) and writes
// OUT/results.json, OUT/report.md and the plots bench/plot.py draws from the JSON.
#pragma once

#include <CLI/CLI.hpp>

namespace unitag {

// Adds the `bench` subcommand to `app`; its callback stores the exit code in `*exit_code`.
void add_bench_command(CLI::App& app, int* exit_code);

}  // namespace unitag
