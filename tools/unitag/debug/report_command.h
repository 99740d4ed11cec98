// `unitag report STATS.json`: a readable summary of the JSON that `unitag run --stats` writes
// (per-hart instructions, MIPS and traps; tag-policy statistics and any other section as found).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace unitag {

void add_report_command(CLI::App& app, int* exit_code);
// The summary text for a parsed stats document; throws UserError when it is not one.
std::string format_report(const nlohmann::ordered_json& stats, const std::string& name);

}  // namespace unitag
