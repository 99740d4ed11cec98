// `types`: the Typed Architectures experiment (docs/types.md). The same Lisp interpreter
// (apps/lisp) checks its values' types in software (tag bits in the value word) or through type
// tags (the types policy: tag.typeof and typed add/sub/compare). Per benchmark: instructions,
// modeled cycles and host CPU time of both builds on the same tagged machine (--policy types),
// the typed-operation miss rate the interpreter counts, the rule-cache hit rate, and the same
// with heap and cfi composed in. The software build untagged is the baseline machine.
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

uint64_t modeled_cycles(const GuestRun& r) {
  uint64_t cycles = 0;
  if (r.stats.contains("per_hart"))
    for (const auto& h : r.stats["per_hart"]) cycles += h.value("cycles", uint64_t{0});
  return cycles;
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
                 // One engine for all, so host times compare (tagged runs interpret).
                 std::vector<std::string> flags = kSameEngineAsTagged;
                 flags.push_back("--deterministic");
                 if (!c.policy.empty()) flags.insert(flags.end(), {"--policy", c.policy});
                 GuestRun r = run_guest_ok(
                     ctx, c.image, flags,
                     {"-s", "-n", std::to_string(scale_), fmt::format("/bench/{}.lisp", b)});
                 Measured& m = runs_[key(b, c.label)];
                 keep_min(m.cpu, r.guest_cpu_seconds());
                 m.run = std::move(r);
               }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
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
        const uint64_t cycles = modeled_cycles(m.run);
        const double speedup =
            static_cast<double>(modeled_cycles(reference.run)) / static_cast<double>(cycles);
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

 private:
  struct Measured {
    double cpu = 0;
    GuestRun run;
  };
  int repeat_ = 1;
  int scale_ = 1;
  std::map<std::string, Measured> runs_;
};

}  // namespace

std::unique_ptr<Suite> make_types_suite() { return std::make_unique<TypesSuite>(); }

}  // namespace unitag::bench
