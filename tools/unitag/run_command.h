// `unitag run`: load an image on the machine, run it, report how it ended and its statistics.
#pragma once

#include <CLI/CLI.hpp>

namespace unitag {

// Adds the `run` subcommand to `app`; its callback stores the exit code in `*exit_code`.
void add_run_command(CLI::App& app, int* exit_code);

}  // namespace unitag
