#include "tools/unitag/debug/report_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "machine/errors.h"

namespace unitag {
namespace {

using json = nlohmann::ordered_json;

std::string scalar(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return d != 0 && (d < 0.01 && d > -0.01) ? fmt::format("{:.3g}", d) : fmt::format("{:.3f}", d);
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

bool is_scalar(const json& v) { return !v.is_object() && !v.is_array(); }

// A field shown as text whatever its type: a damaged or hand-edited file still gets a report.
std::string field(const json& j, const char* key, const char* missing) {
  auto it = j.find(key);
  return it == j.end() ? missing : scalar(*it);
}

double number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Columns padded to their widest cell.
std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], r[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s = " ";
    for (size_t c = 0; c < header.size(); ++c)
      s += fmt::format(" {:<{}}", c < cells.size() ? cells[c] : "", width[c]);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

// Any section: scalars as "key: value", arrays of objects as tables, nested objects indented.
// An object with "hits" and "misses" (a rule cache) gets its hit rate.
void render(std::ostringstream& out, const json& value, int indent) {
  const std::string pad(indent, ' ');
  if (value.is_object()) {
    for (const auto& [key, v] : value.items()) {
      if (is_scalar(v))
        out << fmt::format("{}{}: {}\n", pad, key, scalar(v));
      else if (v.is_object() && v.empty())
        continue;
      else {
        out << fmt::format("{}{}:\n", pad, key);
        render(out, v, indent + 2);
      }
    }
    if (value.contains("hits") && value.contains("misses") && !value.contains("hit_rate")) {
      const double hits = number(value, "hits"), misses = number(value, "misses");
      if (hits + misses > 0)
        out << fmt::format("{}hit rate: {:.2f}%\n", pad, 100 * hits / (hits + misses));
    }
    return;
  }
  if (value.is_array()) {
    bool objects = !value.empty();
    for (const auto& e : value) objects &= e.is_object();
    if (!objects) {
      std::vector<std::string> items;
      for (const auto& e : value) items.push_back(is_scalar(e) ? scalar(e) : e.dump());
      out << pad << fmt::format("{}", fmt::join(items, ", ")) << "\n";
      return;
    }
    std::vector<std::string> header;
    std::set<std::string> seen;
    for (const auto& e : value)
      for (const auto& [key, v] : e.items())
        if (is_scalar(v) && seen.insert(key).second) header.push_back(key);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : value) {
      std::vector<std::string> row;
      for (const auto& key : header) row.push_back(e.contains(key) ? scalar(e[key]) : "");
      rows.push_back(row);
    }
    std::istringstream t(table(header, rows));
    for (std::string l; std::getline(t, l);) out << pad << l << "\n";
    for (size_t i = 0; i < value.size(); ++i)
      for (const auto& [key, v] : value[i].items())
        if (!is_scalar(v) && !v.empty()) {
          out << fmt::format("{}[{}] {}:\n", pad, i, key);
          render(out, v, indent + 2);
        }
  }
}

std::string causes(const json& by_cause) {
  std::vector<std::string> parts;
  if (by_cause.is_object())
    for (const auto& [name, count] : by_cause.items())
      parts.push_back(fmt::format("{} {}", name, scalar(count)));
  return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string format_report(const json& stats, const std::string& name) {
  if (!stats.is_object() || !stats.contains("per_hart") || !stats["per_hart"].is_array())
    throw UserError(
        exit_code::kBadImage,
        fmt::format("{}: not a `unitag run --stats` file (it has no per_hart array); write one "
                    "with `unitag run IMAGE --stats FILE`",
                    name));
  std::ostringstream out;
  out << fmt::format("run of {}\n", field(stats, "image", "(unknown image)"));
  out << fmt::format("  {} hart(s), {} mode; stopped: {}, exit code {}\n",
                     field(stats, "harts", "0"), field(stats, "mode", "?"),
                     field(stats, "stop_reason", "?"), field(stats, "exit_code", "0"));
  if (stats.contains("message")) out << fmt::format("  message: {}\n", scalar(stats["message"]));
  out << fmt::format("  {} instructions in {} s wall time: {} MIPS overall\n",
                     scalar(stats.value("instructions", json(0))),
                     scalar(stats.value("wall_seconds", json(0.0))),
                     scalar(stats.value("mips", json(0.0))));

  std::vector<std::vector<std::string>> rows;
  std::string trap_lines;
  for (const json& h : stats["per_hart"]) {
    if (!h.is_object()) continue;
    const std::string id = scalar(h.value("hart", json("?")));
    rows.push_back({id, scalar(h.value("instructions", json(0))),
                    scalar(h.value("cycles", json(0))), scalar(h.value("host_seconds", json(0.0))),
                    scalar(h.value("mips", json(0.0))), scalar(h.value("traps", json(0)))});
    const json none = json::object();
    trap_lines += fmt::format("  hart {}: traps: {}; interrupts: {}\n", id,
                              causes(h.value("traps_by_cause", none)),
                              causes(h.value("interrupts_by_cause", none)));
  }
  out << "\nper hart:\n"
      << table({"hart", "instructions", "cycles", "host s", "MIPS", "traps"}, rows);
  out << "\ntraps by cause:\n" << trap_lines;

  // Everything else (tag policies, traces, debugger, benchmarks) as it comes.
  static const std::set<std::string> kShown = {
      "image",   "harts",        "mode",         "stop_reason", "exit_code",
      "message", "wall_seconds", "instructions", "mips",        "per_hart"};
  for (const auto& [key, v] : stats.items()) {
    if (kShown.count(key)) continue;
    if (is_scalar(v)) {
      out << fmt::format("\n{}: {}\n", key, scalar(v));
      continue;
    }
    out << fmt::format("\n{}:\n", key);
    std::ostringstream section;
    render(section, v, 2);
    out << section.str();
  }
  return out.str();
}

void add_report_command(CLI::App& app, int* exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("report", "Summarise the statistics of a run (unitag run --stats FILE)");
  cmd->add_option("stats", *path, "JSON written by `unitag run --stats`")->required();
  cmd->callback([path, exit_code] {
    std::ifstream in(*path);
    if (!in)
      throw UserError(
          exit_code::kNoInput,
          fmt::format("{}: cannot open; write statistics with `unitag run IMAGE --stats {}`", *path,
                      *path));
    json stats;
    try {
      stats = json::parse(in);
    } catch (const json::parse_error& e) {
      throw UserError(
          exit_code::kBadImage,
          fmt::format("{}: not valid JSON (byte {}): is it the file `unitag run --stats` wrote?",
                      *path, e.byte));
    }
    std::cout << format_report(stats, *path);
    *exit_code = 0;
  });
}

}  // namespace unitag
