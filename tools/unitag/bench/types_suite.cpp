// `types`: the Typed Architectures experiment (docs/types.md). The same Lisp interpreter
// (apps/lisp) checks its values' types in software (tag bits in the value word) or through type
// tags (the types policy: tag.typeof and typed add/sub/compare). Per benchmark: instructions,
// modeled cycles and host CPU time of both builds on the same tagged machine (--policy types),
// the typed-operation miss rate the interpreter counts, the rule-cache hit rate, and the same
// with heap and cfi composed in. The software build untagged is the baseline machine. And the
// parallel variant (lisp -p) on 1, 2 and 4 partitions of a multikernel, both builds on tagged
// harts: the modeled critical path (the busiest hart's cycles) and host wall time.
#include <fmt/format.h>

#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

const std::vector<std::string> kBenchmarks = {"fib",   "tables",   "strings",
                                              "nbody", "bintrees", "wordcount"};
// (label, image, policy): the builds and machines compared.
struct Config {
  std::string label, image, policy;
};
const std::vector<Config> kConfigs = {{"software, untagged", "lisp", ""},
                                      {"software", "lisp", "types"},
                                      {"hardware", "lisp-hw", "types"},
                                      {"software +heap,cfi", "lisp", "types,heap,cfi"},
                                      {"hardware +heap,cfi", "lisp-hw", "types,heap,cfi"}};

std::string key(const std::string& benchmark, const std::string& config) {
  return fmt::format("{}|{}", benchmark, config);
}

const std::vector<std::string> kParallelBenchmarks = {"fib", "bintrees", "tables", "nbody"};
const std::vector<unsigned> kPartitions = {1, 2, 4};
const std::vector<Config> kParallelConfigs = {{"software", "lisp", "types"},
                                              {"hardware", "lisp-hw", "types"}};

std::string parallel_key(const std::string& benchmark, const std::string& build,
                         unsigned partitions) {
  return fmt::format("{}|{}|{}", benchmark, build, partitions);
}

// What lisp -p printed as the sum of the workers' results ("result R from N workers: ...").
std::string summed_result(const GuestRun& r) {
  const std::string line = r.output_line("result ");
  return line.substr(0, line.find(" from"));
}

class TypesSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    repeat_ = ctx.quick ? 1 : 3;
    scale_ = ctx.quick ? 1 : 2;
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat_; ++rep)
      for (const std::string& b : kBenchmarks)
        for (const Config& c : kConfigs)
          steps.push_back(
              {fmt::format("{} {} (run {}/{})", b, c.label, rep, repeat_), [this, &ctx, b, c] {
                 // One engine for every configuration, so host times compare like with like.
                 std::vector<std::string> flags = {"--engine", "interp", "--deterministic"};
                 if (!c.policy.empty()) flags.insert(flags.end(), {"--policy", c.policy});
                 GuestRun r = run_guest_ok(
                     ctx, c.image, flags,
                     {"-s", "-n", std::to_string(scale_), fmt::format("/bench/{}.lisp", b)});
                 Measured& m = runs_[key(b, c.label)];
                 keep_min(m.cpu, r.guest_cpu_seconds());
                 m.run = std::move(r);
               }});
    // Each configuration twice: deterministic for the modeled figures (exact, but the harts
    // take turns on one host thread), and with a host thread per hart for wall time (not in
    // --quick).
    for (const std::string& b : kParallelBenchmarks)
      for (const Config& c : kParallelConfigs)
        for (const unsigned n : kPartitions)
          for (const bool deterministic : {true, false}) {
            if (!deterministic && ctx.quick) continue;
            steps.push_back({fmt::format("lisp -p par-{} {} on {} partition(s){}", b, c.label, n,
                                         deterministic ? "" : ", wall time"),
                             [this, &ctx, b, c, n, deterministic] {
                               std::vector<std::string> flags = one_partition_per_hart(n);
                               flags.insert(flags.end(), {"--policy", c.policy});
                               if (deterministic) flags.push_back("--deterministic");
                               GuestRun r = run_guest_ok(ctx, c.image, flags,
                                                         {"-s", "-n", std::to_string(scale_), "-p",
                                                          fmt::format("/bench/par-{}.lisp", b)});
                               (deterministic ? parallel_
                                              : parallel_wall_)[parallel_key(b, c.label, n)] =
                                   std::move(r);
                             }});
          }
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o = sequential(ctx);
    parallel(ctx, o);
    return o;
  }

 private:
  SuiteOutput sequential(const BenchContext& ctx) {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    for (const std::string& b : kBenchmarks) {
      const Measured& base = runs_[key(b, "software, untagged")];
      const Measured& sw = runs_[key(b, "software")];
      const Measured& sw_composed = runs_[key(b, "software +heap,cfi")];
      const uint64_t checks = base.run.number_after("stats: ");
      const uint64_t misses = base.run.number_after("stats: ", "%*u fast-path type checks, %llu");
      for (const Config& c : kConfigs) {
        const Measured& m = runs_[key(b, c.label)];
        const bool hardware = c.image == "lisp-hw";
        const Measured& reference = c.policy == "types,heap,cfi" ? sw_composed : sw;
        const uint64_t cycles = m.run.modeled_cycles();
        const double speedup =
            static_cast<double>(reference.run.modeled_cycles()) / static_cast<double>(cycles);
        const bool same_output = m.run.process.out == base.run.process.out;
        const nlohmann::json tags = m.run.stats.value("tags", nlohmann::json::object());
        const double hit_rate = tags.value("rule_cache_hit_rate", 1.0);
        o.rows.push_back({{"benchmark", b},
                          {"config", c.label},
                          {"build", hardware ? "hardware" : "software"},
                          {"policy", c.policy},
                          {"instructions", m.run.instructions()},
                          {"modeled_cycles", cycles},
                          {"host_seconds", m.cpu},
                          {"speedup_vs_software", speedup},
                          {"type_checks", checks},
                          {"type_misses", misses},
                          {"miss_rate", checks ? static_cast<double>(misses) / checks : 0.0},
                          {"hit_rate", hit_rate},
                          {"same_output", same_output},
                          {"command", ctx.shown(m.run.argv)}});
        cells.push_back({b, c.label, grouped(m.run.instructions()), grouped(cycles),
                         fixed(m.cpu * 1000, 1), fixed(speedup, 3) + "x",
                         percent(checks ? static_cast<double>(misses) / checks : 0.0, 1),
                         c.policy.empty() ? "-" : percent(hit_rate, 3),
                         same_output ? "same" : "DIFFERS"});
      }
    }
    o.markdown = fmt::format(
        "The Lisp interpreter (apps/lisp) with software type checks (`lisp`) and type tags "
        "(`lisp-hw`), `-n {}`, best host CPU time of {} round(s); *speedup*: modeled cycles of "
        "the software build on the same policies over this row's; *miss rate*: typed +, -, < "
        "that were not both integers (the interpreter's count, the same in both builds); "
        "*hit rate*: the modeled rule cache (1024 entries, 4 ways). A row: `{}`.\n\n",
        scale_, repeat_, ctx.shown(runs_[key(kBenchmarks[0], "hardware")].run.argv));
    o.markdown += markdown_table({"benchmark", "build", "guest insns", "modeled cycles", "host ms",
                                  "speedup", "miss rate", "hit rate", "output"},
                                 cells);
    return o;
  }

  // Strong scaling of the same total work; the software build on 1 partition is the reference
  // of both builds' speedups, so the hardware build's lead shows in them.
  void parallel(const BenchContext& ctx, SuiteOutput& o) {
    std::vector<std::vector<std::string>> cells;
    nlohmann::json series = nlohmann::json::array();
    for (const std::string& b : kParallelBenchmarks) {
      const GuestRun& one = parallel_[parallel_key(b, "software", 1)];
      const double one_cycles = static_cast<double>(one.busiest_hart_cycles());
      const double one_wall = wall_seconds(b, "software", 1);
      for (const Config& c : kParallelConfigs) {
        nlohmann::json xs = nlohmann::json::array(), ys = nlohmann::json::array();
        for (const unsigned n : kPartitions) {
          const GuestRun& r = parallel_[parallel_key(b, c.label, n)];
          const uint64_t path = r.busiest_hart_cycles();
          const double wall = wall_seconds(b, c.label, n);
          const double speedup = one_cycles / static_cast<double>(path);
          const double wall_speedup = wall > 0 ? one_wall / wall : 0.0;
          const bool same_result = summed_result(r) == summed_result(one);
          o.rows.push_back({{"kind", "parallel"},
                            {"benchmark", "par-" + b},
                            {"build", c.label},
                            {"partitions", n},
                            {"instructions", r.instructions()},
                            {"critical_path_cycles", path},
                            {"modeled_speedup", speedup},
                            {"wall_seconds", wall},
                            {"wall_speedup", wall_speedup},
                            {"same_result", same_result},
                            {"command", ctx.shown(r.argv)}});
          cells.push_back({"par-" + b, c.label, std::to_string(n), grouped(r.instructions()),
                           grouped(path), fixed(speedup, 2) + "x", wall > 0 ? fixed(wall, 3) : "-",
                           wall > 0 ? fixed(wall_speedup, 2) + "x" : "-",
                           same_result ? "same" : "DIFFERS"});
          xs.push_back(n);
          ys.push_back(speedup);
        }
        series.push_back({{"label", fmt::format("par-{} {}", b, c.label)}, {"x", xs}, {"y", ys}});
      }
    }
    series.push_back({{"label", "ideal"}, {"x", kPartitions}, {"y", kPartitions}});
    o.markdown += fmt::format(
        "\n\n**The parallel variant** (`lisp -p`, `-n {}`): every partition (one hart each) runs "
        "its own interpreter and heap on its share of the units and partition 0 adds the "
        "results up; both builds on tagged harts (`--policy types`), deterministic. *Critical "
        "path*: the busiest hart's modeled cycles; *speedup*: the software build's critical "
        "path on 1 partition over this row's (so the hardware build's lead is in it); *wall s*: "
        "the same run with a host thread per hart (not deterministic; not in --quick), and "
        "*wall speedup* the software build's on 1 partition over it: this 2-core host caps it "
        "near 2x, and the hardware build's `tag.typeof`/`tag.settype` take the engine's slow "
        "path on the host. A row: "
        "`{}`.\n\n",
        scale_, ctx.shown(parallel_[parallel_key("fib", "hardware", 4)].argv));
    o.markdown +=
        markdown_table({"benchmark", "build", "partitions", "guest insns", "critical path cycles",
                        "speedup", "wall s", "wall speedup", "result"},
                       cells);
    o.markdown += "\n![lisp -p speedup](types_parallel_speedup.png)\n";
    o.plots.push_back({{"file", "types_parallel_speedup.png"},
                       {"kind", "line"},
                       {"title", "lisp -p: modeled speedup over the software build on 1 partition"},
                       {"xlabel", "partitions"},
                       {"ylabel", "speedup"},
                       {"series", series}});
  }

  struct Measured {
    double cpu = 0;
    GuestRun run;
  };
  int repeat_ = 1;
  int scale_ = 1;
  std::map<std::string, Measured> runs_;
  std::map<std::string, GuestRun> parallel_, parallel_wall_;  // deterministic; a thread per hart

  double wall_seconds(const std::string& b, const std::string& build, unsigned n) const {
    const auto it = parallel_wall_.find(parallel_key(b, build, n));
    return it == parallel_wall_.end() ? 0.0 : it->second.stats.value("wall_seconds", 0.0);
  }
};

}  // namespace

std::unique_ptr<Suite> make_types_suite() { return std::make_unique<TypesSuite>(); }

}  // namespace unitag::bench
