// `rules` (research question 3): with fewer dependencies, does a unikernel need fewer tag rules?
// One C source per workload, unchanged, built twice: as a library-OS app (the unikernel: app +
// library OS in one image, picolibc) and as a static glibc Linux binary run on the library OS's
// Linux personality (the program brings glibc; the personality stays underneath). Each runs
// under rwx, heap (bound to picolibc's or glibc's malloc), stack, cfi, frame and their composite;
// the whole system's tags and rules are counted (kernel and app, or personality and program), from
// one deterministic run each. The third system the question names, the same binary as a process
// of the Linux baseline, needs tag policies on a Linux boot (issue 15): the report says so.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

struct Workload {
  std::string name;       // as shown
  std::string unikernel;  // build/guest/NAME.elf
  std::string linux_bin;  // build/tests/linux/bin/NAME
  std::vector<std::string> args;
  bool quick;
};
const std::vector<Workload> kWorkloads = {
    {"hello", "linux_hello_native", "hello", {"two words", "x"}, true},
    {"sort", "linux_sort_native", "sort", {}, true},
    {"aes", "linux_heldout_aes_native", "heldout_aes", {}, false},
    {"dijkstra", "linux_heldout_dijkstra_native", "heldout_dijkstra", {}, false},
    {"edn", "linux_heldout_edn_native", "heldout_edn", {}, false},
    {"huffman", "linux_heldout_huffman_native", "heldout_huffman", {}, false},
    {"levenshtein", "linux_heldout_levenshtein_native", "heldout_levenshtein", {}, false},
    {"sha256", "linux_heldout_sha256_native", "heldout_sha256", {}, false},
};
const std::vector<std::string> kRulePolicies = {"rwx", "heap",  "stack",
                                                "cfi", "frame", kRulesComposite};
constexpr const char* kComposite = kRulesComposite;
const std::vector<std::string> kSystems = {"unikernel", "Linux binary"};

std::string policy_label(const std::string& p) { return p == kComposite ? "composite of 5" : p; }

class RulesSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    std::vector<Step> steps;
    for (const Workload& w : kWorkloads) {
      if (ctx.quick && !w.quick) continue;
      workloads_.push_back(w);
      for (const std::string& policy : kRulePolicies) {
        if (ctx.quick && policy != kComposite) continue;
        if (w.name == kWorkloads.front().name) policies_.push_back(policy);
        for (const std::string& system : kSystems)
          steps.push_back({fmt::format("{} as a {} under {}", w.name, system, policy),
                           [this, &ctx, w, policy, system] { measure(ctx, w, policy, system); }});
      }
    }
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> labels;
    std::vector<double> uni_rules, lin_rules;
    double log_sum = 0;
    int logs = 0;
    for (const Workload& w : workloads_)
      for (const std::string& policy : policies_) {
        const GuestRun& u = runs_.at(key(w.name, policy, kSystems[0]));
        const GuestRun& l = runs_.at(key(w.name, policy, kSystems[1]));
        const nlohmann::json &ut = u.stats["tags"], &lt = l.stats["tags"];
        const auto rules = [](const nlohmann::json& t) {
          return t["distinct_rules"].get<uint64_t>();
        };
        const auto canonical = [](const nlohmann::json& t) {
          return t["canonical_rules"]["rules"].get<uint64_t>();
        };
        // Canonical rules: what a cache comparing identities holds. Concrete rules grow with
        // every allocation's colour under heap (one per block), which says nothing of the code.
        const double ratio =
            static_cast<double>(canonical(lt)) / std::max<uint64_t>(canonical(ut), 1);
        if (policy == kComposite) {
          log_sum += std::log(ratio);
          ++logs;
          labels.push_back(w.name);
          uni_rules.push_back(static_cast<double>(canonical(ut)));
          lin_rules.push_back(static_cast<double>(canonical(lt)));
        }
        o.rows.push_back({{"workload", w.name},
                          {"policy", policy},
                          {"unikernel_instructions", u.instructions()},
                          {"unikernel_rules", rules(ut)},
                          {"unikernel_canonical_rules", canonical(ut)},
                          {"unikernel_tags", ut["distinct_tags"]},
                          {"unikernel_modeled_overhead", ut["modeled_overhead"]},
                          {"linux_binary_instructions", l.instructions()},
                          {"linux_binary_rules", rules(lt)},
                          {"linux_binary_canonical_rules", canonical(lt)},
                          {"linux_binary_tags", lt["distinct_tags"]},
                          {"linux_binary_modeled_overhead", lt["modeled_overhead"]},
                          {"rules_linux_over_unikernel", ratio},
                          {"linux_process", nullptr},
                          {"unikernel_command", ctx.shown(u.argv)},
                          {"linux_binary_command", ctx.shown(l.argv)}});
        cells.push_back({w.name, policy_label(policy), grouped(rules(ut)), grouped(canonical(ut)),
                         grouped(ut["distinct_tags"].get<uint64_t>()),
                         percent(ut["modeled_overhead"].get<double>(), 2), grouped(rules(lt)),
                         grouped(canonical(lt)), grouped(lt["distinct_tags"].get<uint64_t>()),
                         percent(lt["modeled_overhead"].get<double>(), 2), fixed(ratio, 2) + "x"});
      }
    const double geomean = logs ? std::exp(log_sum / logs) : 0;
    const Workload& first = workloads_.front();
    o.markdown = fmt::format(
        "The same C source per workload, unchanged, as a library-OS app (*unikernel*: app, "
        "picolibc and the library OS in one image) and as a static glibc binary on the library "
        "OS's Linux personality (*Linux binary*: the program with glibc, the personality "
        "underneath). hello and sort are tests/linux/programs; the others the held-out compute "
        "set (bench/guest/heldout), written for other purposes. One deterministic run each (the "
        "figures are exact); the whole system's distinct rules (concrete, and canonical: what "
        "the modeled cache holds), distinct tags, and modeled overhead (1024-entry 4-way cache, "
        "30 cycles per miss, tag writes included). A row: `{}` and `{}`.\n\n"
        "**Composite of five: the Linux binary needs {:.2f}x the unikernel's canonical rules "
        "(geometric "
        "mean over {} workloads).** The third system of the question, the same binary as a "
        "process of the Linux baseline (`unitag bench --suite monolithic`), is not measured: tag "
        "policies do not run on a Linux boot yet (issue 15). `heap` binds to each system's own "
        "allocator: picolibc's in the unikernel, glibc's in the Linux binary.\n\n",
        ctx.shown(runs_.at(key(first.name, policies_.back(), kSystems[0])).argv),
        ctx.shown(runs_.at(key(first.name, policies_.back(), kSystems[1])).argv), geomean, logs);
    o.markdown += markdown_table(
        {"workload", "policy", "unikernel rules", "unikernel canonical", "unikernel tags",
         "unikernel overhead", "Linux-binary rules", "Linux-binary canonical", "Linux-binary tags",
         "Linux-binary overhead", "canonical rules Linux/unikernel"},
        cells);
    o.markdown += "\n![rules](rules_unikernel_vs_linux.png)\n";
    o.rows.push_back({{"summary", "rules_linux_over_unikernel_geomean"},
                      {"policy", kComposite},
                      {"value", geomean},
                      {"workloads", logs}});
    o.plots.push_back(
        {{"file", "rules_unikernel_vs_linux.png"},
         {"kind", "bar"},
         {"title", std::string("Canonical rules, composite ") + kComposite + " (fewer is better)"},
         {"ylabel", "canonical rules (whole system)"},
         {"ylog", false},
         {"categories", labels},
         {"series",
          {{{"label", "unikernel (library-OS app)"}, {"y", uni_rules}},
           {{"label", "Linux binary on the library OS"}, {"y", lin_rules}}}}});
    return o;
  }

 private:
  static std::string key(const std::string& w, const std::string& p, const std::string& s) {
    return w + "|" + p + "|" + s;
  }
  void measure(const BenchContext& ctx, const Workload& w, const std::string& policy,
               const std::string& system) {
    GuestRun r;
    if (system == kSystems[0])
      r = run_guest_ok(ctx, w.unikernel, {"--deterministic", "--policy", policy}, w.args);
    else
      r = require_exit_0(ctx, run_unitag(ctx,
                                         {"--deterministic", "--policy", policy,
                                          ctx.build_dir + "/tests/linux/bin/" + w.linux_bin},
                                         w.args));
    if (!r.stats.contains("tags"))
      throw std::runtime_error(fmt::format("`{}` wrote no tag statistics", ctx.shown(r.argv)));
    runs_[key(w.name, policy, system)] = std::move(r);
  }

  std::vector<Workload> workloads_;
  std::vector<std::string> policies_;
  std::map<std::string, GuestRun> runs_;
};

}  // namespace

std::unique_ptr<Suite> make_rules_suite() { return std::make_unique<RulesSuite>(); }

}  // namespace unitag::bench
