#include "tools/unitag/bench/suite.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace unitag::bench {

std::string BenchContext::guest(const std::string& image) const {
  return build_dir + "/guest/" + image + ".elf";
}

std::string BenchContext::shown(const std::string& path) const {
  const std::string root = source_dir + "/";
  return path.rfind(root, 0) == 0 ? path.substr(root.size()) : path;
}

std::string BenchContext::shown(const std::vector<std::string>& argv) const {
  std::vector<std::string> parts;
  for (const std::string& a : argv) parts.push_back(shown(a));
  return shell_line(parts);
}

uint64_t GuestRun::instructions() const { return stats.value("instructions", uint64_t{0}); }

double GuestRun::guest_cpu_seconds() const {
  double sum = 0;
  if (stats.contains("per_hart"))
    for (const auto& h : stats["per_hart"]) sum += h.value("cpu_seconds", 0.0);
  return sum;
}

uint64_t GuestRun::modeled_cycles() const {
  uint64_t sum = 0;
  if (stats.contains("per_hart"))
    for (const auto& h : stats["per_hart"]) sum += h.value("cycles", uint64_t{0});
  return sum;
}

uint64_t GuestRun::busiest_hart_cycles() const {
  uint64_t most = 0;
  if (stats.contains("per_hart"))
    for (const auto& h : stats["per_hart"]) most = std::max(most, h.value("cycles", uint64_t{0}));
  return most;
}

std::vector<std::string> one_partition_per_hart(unsigned harts) {
  std::vector<std::string> flags = {"--harts", std::to_string(harts)};
  for (unsigned h = 0; h < harts; ++h)
    flags.insert(flags.end(), {"--partition", std::to_string(h)});
  return flags;
}

std::string line_starting(const std::string& text, std::string_view prefix) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line;
  return {};
}

std::string GuestRun::output_line(std::string_view prefix) const {
  return line_starting(process.out, prefix);
}

uint64_t GuestRun::number_after(std::string_view prefix, const char* format) const {
  const std::string line = output_line(prefix);
  unsigned long long v = 0;
  if (line.empty() || std::sscanf(line.c_str() + prefix.size(), format, &v) != 1)
    throw std::runtime_error(
        fmt::format("`{}`: no line starting `{}` in its output", shell_line(argv), prefix));
  return v;
}

GuestRun run_unitag(const BenchContext& ctx, const std::vector<std::string>& args,
                    const std::vector<std::string>& guest_args, double timeout_seconds) {
  const std::string stats_path = ctx.scratch_dir + "/stats.json";
  std::remove(stats_path.c_str());
  GuestRun r;
  r.argv = {ctx.unitag, "run"};
  r.argv.insert(r.argv.end(), args.begin(), args.end());
  if (!guest_args.empty()) {
    r.argv.push_back("--");
    r.argv.insert(r.argv.end(), guest_args.begin(), guest_args.end());
  }
  std::vector<std::string> argv = r.argv;
  argv.insert(argv.begin() + 2, {"--stats", stats_path});
  // Semihosting programs open files relative to the working directory: give them the scratch.
  r.process = run_process(argv, ctx.scratch_dir, timeout_seconds, ctx.scratch_dir);
  std::ifstream f(stats_path);
  if (f) {
    try {
      r.stats = nlohmann::json::parse(f);
    } catch (const nlohmann::json::exception&) {
      r.stats = nlohmann::json::object();
    }
  }
  return r;
}

GuestRun run_guest(const BenchContext& ctx, const std::string& image,
                   std::vector<std::string> flags, const std::vector<std::string>& guest_args,
                   double timeout_seconds) {
  flags.insert(flags.begin(), ctx.guest(image));
  return run_unitag(ctx, flags, guest_args, timeout_seconds);
}

GuestRun require_exit_0(const BenchContext& ctx, GuestRun r) {
  if (r.process.exit_code != 0) {
    std::string err = r.process.err.substr(0, 400);
    for (char& c : err)
      if (c == '\n') c = ' ';
    throw std::runtime_error(
        fmt::format("`{}` exited {}: {}", ctx.shown(r.argv), r.process.exit_code, err));
  }
  return r;
}

GuestRun run_guest_ok(const BenchContext& ctx, const std::string& image,
                      std::vector<std::string> flags, const std::vector<std::string>& guest_args) {
  return require_exit_0(ctx, run_guest(ctx, image, std::move(flags), guest_args));
}

std::string markdown_table(const std::vector<std::string>& headers,
                           const std::vector<std::vector<std::string>>& rows) {
  std::string t = "|", rule = "|";
  for (const std::string& h : headers) {
    t += " " + h + " |";
    rule += "---|";
  }
  t += "\n" + rule + "\n";
  for (const auto& row : rows) {
    t += "|";
    for (const std::string& cell : row) t += " " + cell + " |";
    t += "\n";
  }
  return t;
}

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }

std::string percent(double fraction, int decimals) {
  return fmt::format("{:.{}f}%", 100 * fraction, decimals);
}

}  // namespace unitag::bench
