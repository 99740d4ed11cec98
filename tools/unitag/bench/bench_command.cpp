#include "tools/unitag/bench/bench_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "machine/errors.h"
#include "tools/unitag/bench/answers.h"
#include "tools/unitag/bench/suite.h"

namespace unitag {
namespace bench {

const std::vector<SuiteInfo>& all_suites() {
  static const std::vector<SuiteInfo> suites = {
      {"machine", "guest MIPS per workload, unitag vs qemu-system-riscv64", 0, make_machine_suite},
      {"policies", "each tag policy and the composites on each workload: host and modeled cost", 0,
       make_policies_suite},
      {"cache", "rule-cache size sweep: hit rate and modeled overhead (question 4)", 0,
       make_cache_suite},
      {"composite", "all ten policies at once: raw vs canonical rule keys, host cost (question 4)",
       0, make_composite_suite},
      {"parallel", "Mandelbrot over 1..N harts: speedup; library OS boot on N harts (question 6)",
       0, make_parallel_suite},
      {"kernel", "library OS: boot to main, thread start and switch, image sizes", 0,
       make_kernel_suite},
      {"security",
       "every attack program x every policy, the RIPE-style attack matrix and the Juliet-style "
       "corpus (question 5)",
       0, make_security_suite},
      {"offload",
       "multikernel: channel round trips, Mandelbrot SMP vs partitions, critical code offloaded "
       "to tagged partitions (questions 1 and 6)",
       0, make_offload_suite},
      {"enclave", "enclaves and compartments vs SGX-style round trips (question 2)", 0,
       make_enclave_suite},
      {"rules", "policies and rules needed: unikernel vs Linux binaries vs Linux (question 3)", 0,
       make_rules_suite},
      {"types", "type tags for a dynamic-language interpreter: software vs hardware checks", 0,
       make_types_suite},
      {"monolithic",
       "the same Linux binaries on the library OS and on Linux, same machine: boot, run time, "
       "system calls, image size (question 1)",
       0, make_monolithic_suite},
  };
  return suites;
}

}  // namespace bench

namespace {

struct BenchOptions {
  std::vector<std::string> suites;
  bool quick = false;
  bool list = false;
  std::string out = "bench-results";
  std::string report;  // empty: OUT/report.md
  std::string build;
};

std::string first_line(const std::vector<std::string>& argv, const std::string& scratch) {
  try {
    const bench::ProcessResult r = bench::run_process(argv, scratch, 30);
    if (r.exit_code != 0) return {};
    return r.out.substr(0, r.out.find('\n'));
  } catch (const std::exception&) {
    return {};
  }
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string one;
  f >> one;
  return one.empty() ? "unknown" : one;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

nlohmann::json describe_run(const bench::BenchContext& ctx, const std::string& command) {
  const std::string git = "git";
  std::string revision =
      first_line({git, "-C", ctx.source_dir, "rev-parse", "--short=12", "HEAD"}, ctx.scratch_dir);
  const bench::ProcessResult status = bench::run_process(
      {git, "-C", ctx.source_dir, "status", "--porcelain", "--untracked-files=no"}, ctx.scratch_dir,
      30);
  if (!status.out.empty()) revision += " (with uncommitted changes)";
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return {
      {"revision", revision.empty() ? "unknown" : revision},
      {"host", fmt::format("{}, {} CPU(s), {}", cpu_model(), std::thread::hardware_concurrency(),
                           first_line({"uname", "-srm"}, ctx.scratch_dir))},
      {"load_average", load_average()},
      {"qemu", first_line({"qemu-system-riscv64", "--version"}, ctx.scratch_dir)},
      {"date", date},
      {"quick", ctx.quick},
      {"command", command}};
}

class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(2)) {}
  void show(const std::string& suite, const std::string& label) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::string line = fmt::format("[bench {}/{} done, {} left, {:.0f} s] {}: {}", done_,
                                         total_, total_ - done_, elapsed, suite, label);
    ++done_;
    // On a terminal one line rewritten in place; in a log one line per step.
    std::cerr << (tty_ ? "\r\033[K" + line : line + "\n") << std::flush;
  }
  void end() {
    if (tty_) std::cerr << "\n";
  }

 private:
  size_t total_, done_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string reproduce(const std::string& suite, bool quick) {
  return fmt::format("build/unitag bench --suite {}{}", suite, quick ? " --quick" : "");
}

int run_bench(const BenchOptions& o) {
  namespace fs = std::filesystem;
  const auto& suites = bench::all_suites();
  if (o.list) {
    for (const auto& s : suites)
      std::cout << fmt::format(
          "{:<9} {}{}\n", s.name, s.summary,
          s.pending_issue ? fmt::format(" [not yet available: issue {}]", s.pending_issue) : "");
    return 0;
  }
  std::set<std::string> chosen(o.suites.begin(), o.suites.end());
  for (const std::string& name : chosen)
    if (std::none_of(suites.begin(), suites.end(), [&](const auto& s) { return s.name == name; }))
      throw UserError(
          exit_code::kUsage,
          fmt::format("--suite {}: no such suite; `unitag bench --list` names them", name));
  bench::BenchContext ctx;
  ctx.unitag = fs::read_symlink("/proc/self/exe").string();
  ctx.build_dir = o.build.empty() ? fs::path(ctx.unitag).parent_path().string()
                                  : fs::absolute(o.build).lexically_normal().string();
  ctx.source_dir = UNITAG_SOURCE_DIR;
  ctx.quick = o.quick;
  const char* python = std::getenv("UNITAG_PYTHON");
  ctx.python = python ? python : "/usr/bin/python3";  // Debian's, with python3-matplotlib
  if (!fs::exists(ctx.guest("bench_mandel_int")))
    throw UserError(exit_code::kNoInput,
                    fmt::format("{}: no guest images there; run `make` first, or give --build "
                                "with the build directory",
                                ctx.guest("bench_mandel_int")));
  std::error_code ec;
  fs::create_directories(o.out, ec);
  ctx.out_dir = fs::absolute(o.out).lexically_normal().string();
  ctx.scratch_dir = ctx.out_dir + "/.scratch";
  fs::create_directories(ctx.scratch_dir, ec);
  if (ec)
    throw UserError(exit_code::kNoInput,
                    fmt::format("--out {}: cannot create the directory ({})", o.out, ec.message()));

  std::string command = "build/unitag bench";
  for (const std::string& s : o.suites) command += " --suite " + s;
  if (o.quick) command += " --quick";
  nlohmann::json results = describe_run(ctx, command);
  results["suites"] = nlohmann::json::object();

  struct Planned {
    const bench::SuiteInfo* info;
    std::unique_ptr<bench::Suite> suite;
    std::vector<bench::Step> steps;
  };
  std::vector<Planned> planned;
  size_t total = 0;
  for (const auto& s : suites) {
    if (!chosen.empty() && !chosen.count(s.name)) continue;
    Planned p{&s, s.make ? s.make() : nullptr, {}};
    if (p.suite) p.steps = p.suite->plan(ctx);
    total += p.steps.size();
    planned.push_back(std::move(p));
  }

  Progress progress(total);
  bool all_ok = true;
  std::string report = fmt::format(
      "# unitag bench results\n\nGenerated by `{}` (do not edit by hand). Revision {}; host: "
      "{} (1-minute load average {} at the start); {}; {}. Each table says how its figures were "
      "measured and the command for one of "
      "its rows; every row's command is in `results.json`.\n",
      command, results["revision"].get<std::string>(), results["host"].get<std::string>(),
      results["load_average"].get<std::string>(), results["qemu"].get<std::string>(),
      results["date"].get<std::string>());
  for (Planned& p : planned) {
    nlohmann::json sj = {{"summary", p.info->summary},
                         {"command", reproduce(p.info->name, o.quick)},
                         {"rows", nlohmann::json::array()},
                         {"plots", nlohmann::json::array()}};
    report += fmt::format("\n## {}: {}\n\n", p.info->name, p.info->summary);
    if (!p.suite) {
      sj["status"] = fmt::format("not yet available (issue {})", p.info->pending_issue);
      report += fmt::format("Not yet available (issue {}).\n", p.info->pending_issue);
      results["suites"][p.info->name] = sj;
      continue;
    }
    std::string failure;
    for (bench::Step& step : p.steps) {
      progress.show(p.info->name, step.label);
      if (!failure.empty()) continue;
      try {
        step.run();
      } catch (const std::exception& e) {
        failure = fmt::format("{}: {}", step.label, e.what());
      }
    }
    if (failure.empty()) {
      try {
        bench::SuiteOutput out = p.suite->finish(ctx);
        sj["status"] = out.skipped.empty() ? "ok" : "skipped: " + out.skipped;
        sj["rows"] = std::move(out.rows);
        for (auto& plot : out.plots) plot["command"] = sj["command"];
        sj["plots"] = std::move(out.plots);
        report +=
            fmt::format("Reproduce: `{}`\n\n{}", reproduce(p.info->name, o.quick), out.markdown);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    if (!failure.empty()) {
      all_ok = false;
      sj["status"] = "failed: " + failure;
      report += fmt::format("**Failed**: {}\n", failure);
    }
    results["suites"][p.info->name] = sj;
  }
  progress.end();
  // The answers go first (after the header): they are what the report is for.
  const size_t body = report.find("\n## ");
  report.insert(body == std::string::npos ? report.size() : body,
                bench::research_answers(results["suites"]));

  const std::string json_path = ctx.out_dir + "/results.json";
  std::ofstream(json_path) << results.dump(2) << "\n";
  // Plots: matplotlib (Debian's python3-matplotlib) draws the specs the suites put in the JSON.
  const bench::ProcessResult plot =
      bench::run_process({ctx.python, ctx.source_dir + "/bench/plot.py", json_path, ctx.out_dir},
                         ctx.scratch_dir, 300);
  if (plot.exit_code != 0) {
    all_ok = false;
    std::string why = plot.err.empty() ? fmt::format("exit {}", plot.exit_code) : plot.err;
    report += fmt::format("\n**Plots not drawn** (`{} bench/plot.py`): {}\n", ctx.python, why);
    std::cerr << fmt::format("unitag: bench: plots not drawn: {}", why);
  }
  const std::string report_path = o.report.empty() ? ctx.out_dir + "/report.md" : o.report;
  // Plots live in OUT; a report elsewhere (docs/results.md) links them relative to itself.
  const std::string link_prefix =
      fs::relative(ctx.out_dir, fs::absolute(report_path).parent_path()).string() + "/";
  if (link_prefix != "./")
    for (const auto& [name, suite] : results["suites"].items())
      for (const auto& plot : suite["plots"]) {
        const std::string from = "](" + plot["file"].get<std::string>() + ")";
        for (size_t at = report.find(from); at != std::string::npos; at = report.find(from, at))
          report.replace(at, from.size(), "](" + link_prefix + from.substr(2));
      }
  std::ofstream report_file(report_path);
  if (!report_file)
    throw UserError(exit_code::kNoInput, fmt::format("--report {}: cannot write", report_path));
  report_file << report;
  fs::remove_all(ctx.scratch_dir, ec);
  std::cerr << fmt::format("unitag: bench: wrote {}/results.json, {}\n", o.out, report_path);
  return all_ok ? 0 : 1;
}

}  // namespace

void add_bench_command(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Run benchmark suites; write results and a report");
  cmd->add_option("--suite", opts->suites, "Suite to run (repeatable; default: all; see --list)");
  cmd->add_flag("--quick", opts->quick, "Fewer repetitions and sizes: under two minutes, for CI");
  cmd->add_option("--out", opts->out, "Directory for results.json, report.md and plots");
  cmd->add_option("--report", opts->report,
                  "Write the Markdown report here instead of OUT/report.md (plots linked to OUT)");
  cmd->add_option("--build", opts->build,
                  "Build directory with guest/*.elf (default: the one holding this unitag)");
  cmd->add_flag("--list", opts->list, "List the suites and exit");
  cmd->callback([opts, exit_code] { *exit_code = run_bench(*opts); });
}

}  // namespace unitag
