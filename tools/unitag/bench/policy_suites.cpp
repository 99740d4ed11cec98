// `policies` and `cache`: what tag policies cost. `policies` ports bench/tags/overhead.py:
// untagged and tagged runs interleaved, host ratio = best tagged over best untagged CPU time of
// the run loops (the host is shared: the minimum is the least disturbed run), plus the tagged
// run's deterministic --stats figures. `cache` sweeps the modeled rule-cache size.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

constexpr const char* kAllTen = "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds";
constexpr const char* kAllTenRaw = "all-ten-raw";

std::string policy_label(const std::string& policy) {
  if (policy == "rwx,heap,stack,cfi") return "composite of 4";
  if (policy == "rwx,heap,stack,cfi,frame") return "composite of 5";
  if (policy == kAllTen) return "all ten";
  if (policy == kAllTenRaw) return "all ten, raw rule keys";
  return policy;
}

// A policy list entry, as `unitag run` flags (kAllTenRaw: the modeled cache keyed on raw tags).
std::vector<std::string> policy_flags(const std::string& policy) {
  if (policy == kAllTenRaw) return {"--policy", kAllTen, "--rule-key", "raw"};
  return {"--policy", policy};
}

class PoliciesSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    repeat_ = ctx.quick ? 1 : 5;
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat_; ++rep)
      for (const std::string& w : workloads()) {
        steps.push_back({fmt::format("{} untagged (run {}/{})", w, rep, repeat_), [this, &ctx, w] {
                           const GuestRun r = run_guest_ok(ctx, w, {});
                           keep_min(base_cpu_[w], r.guest_cpu_seconds());
                         }});
        for (const std::string& p : kPolicies)
          steps.push_back(
              {fmt::format("{} --policy {} (run {}/{})", w, p, rep, repeat_), [this, &ctx, w, p] {
                 GuestRun r = run_guest_ok(ctx, w, {"--policy", p});
                 Tagged& t = tagged_[w + "|" + p];
                 keep_min(t.cpu, r.guest_cpu_seconds());
                 t.run = std::move(r);
               }});
      }
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    for (const std::string& w : workloads())
      for (const std::string& p : kPolicies) {
        const Tagged& t = tagged_[w + "|" + p];
        const nlohmann::json& tags = t.run.stats["tags"];
        const double ratio = t.cpu / base_cpu_[w];
        const uint64_t insns = t.run.instructions();
        o.rows.push_back({{"workload", w},
                          {"policy", p},
                          {"instructions", insns},
                          {"host_ratio", ratio},
                          {"tagged_mips", insns / t.cpu / 1e6},
                          {"modeled_overhead", tags["modeled_overhead"]},
                          {"hit_rate", tags["rule_cache_hit_rate"]},
                          {"misses", tags["rule_cache_misses"]},
                          {"distinct_rules", tags["distinct_rules"]},
                          {"distinct_tags", tags["distinct_tags"]},
                          {"command", ctx.shown(t.run.argv)}});
        cells.push_back({w, policy_label(p), grouped(insns), fixed(ratio, 2) + "x",
                         fixed(insns / t.cpu / 1e6, 0),
                         percent(tags["modeled_overhead"].get<double>(), 2),
                         percent(tags["rule_cache_hit_rate"].get<double>(), 3),
                         grouped(tags["rule_cache_misses"].get<uint64_t>()),
                         grouped(tags["distinct_rules"].get<uint64_t>()),
                         grouped(tags["distinct_tags"].get<uint64_t>())});
      }
    o.markdown = fmt::format(
        "Untagged and tagged runs interleaved, {} round(s); *host ratio* = best tagged over best "
        "untagged CPU time of the run loops, both on the default engine (translated, with the "
        "tag checks compiled in); the other columns come from the tagged run's "
        "`--stats` (deterministic; default rule cache: 1024 entries, 4 ways). A row: `{}` "
        "against `{}`.\n\n",
        repeat_, ctx.shown(tagged_[workloads()[0] + "|heap"].run.argv),
        ctx.shown(std::vector<std::string>{ctx.unitag, "run", ctx.guest(workloads()[0])}));
    o.markdown += markdown_table(
        {"workload", "policy", "guest insns", "host ratio", "tagged MIPS", "modeled overhead",
         "hit rate", "misses", "distinct rules", "distinct tags"},
        cells);
    return o;
  }

  static const std::vector<std::string>& workloads() {
    static const std::vector<std::string> w = {"tags_bench_matmul", "tags_bench_crc",
                                               "tags_bench_sort", "tags_benign_hash"};
    return w;
  }

 private:
  struct Tagged {
    double cpu = 0;
    GuestRun run;
  };
  int repeat_ = 1;
  std::map<std::string, double> base_cpu_;
  std::map<std::string, Tagged> tagged_;
};

class CacheSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    if (ctx.quick) {
      sizes_ = {64, 1024, 16384};
      workloads_ = {"tags_bench_sort", "tags_benign_hash"};
      policies_ = {"heap", kAllTenRaw, kAllTen};
    } else {
      sizes_ = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
      workloads_ = {"tags_bench_matmul", "tags_bench_crc", "tags_bench_sort", "tags_benign_hash",
                    "threads"};
      policies_ = {"rwx",
                   "heap",
                   "stack",
                   "cfi",
                   "frame",
                   "taint",
                   "ifc",
                   "compartment",
                   "mte",
                   "bounds",
                   "rwx,heap,stack,cfi,frame",
                   kAllTenRaw,
                   kAllTen};
    }
    std::vector<Step> steps;
    for (const std::string& w : workloads_)
      for (const std::string& p : policies_)
        for (unsigned size : sizes_)
          steps.push_back(
              {fmt::format("{} --policy {} --rule-cache {}", w, p, size), [this, &ctx, w, p, size] {
                 // Modeled figures are deterministic: one run each.
                 std::vector<std::string> flags = policy_flags(p);
                 flags.insert(flags.end(),
                              {"--rule-cache", std::to_string(size), "--deterministic"});
                 runs_[key(w, p, size)] = run_guest_ok(ctx, w, flags);
               }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::string> headers = {"workload", "policy"};
    for (unsigned s : sizes_) headers.push_back(std::to_string(s));
    std::vector<std::vector<std::string>> hit_cells, overhead_cells;
    const std::string composite = policies_.back();
    nlohmann::json hit_series = nlohmann::json::array(), overhead_series = nlohmann::json::array();
    nlohmann::json xs = nlohmann::json::array();
    for (unsigned s : sizes_) xs.push_back(s);
    for (const std::string& w : workloads_)
      for (const std::string& p : policies_) {
        std::vector<std::string> hit_row = {w, policy_label(p)}, overhead_row = hit_row;
        nlohmann::json hits = nlohmann::json::array(), overheads = nlohmann::json::array();
        for (unsigned s : sizes_) {
          const GuestRun& r = runs_[key(w, p, s)];
          const nlohmann::json& tags = r.stats["tags"];
          const double hit = tags["rule_cache_hit_rate"], overhead = tags["modeled_overhead"];
          o.rows.push_back({{"workload", w},
                            {"policy", policy_label(p)},
                            {"entries", s},
                            {"hit_rate", hit},
                            {"modeled_overhead", overhead},
                            {"misses", tags["rule_cache_misses"]},
                            {"command", ctx.shown(r.argv)}});
          hit_row.push_back(percent(hit, 3));
          overhead_row.push_back(percent(overhead, 2));
          hits.push_back(100 * hit);
          overheads.push_back(100 * overhead);
        }
        hit_cells.push_back(hit_row);
        overhead_cells.push_back(overhead_row);
        if (p == composite) {
          hit_series.push_back({{"label", w}, {"x", xs}, {"y", hits}});
          overhead_series.push_back({{"label", w}, {"x", xs}, {"y", overheads}});
        }
      }
    const std::string example = ctx.shown(runs_[key(workloads_[0], composite, sizes_[0])].argv);
    o.markdown = fmt::format(
        "Rule-cache entries (4 ways, 30 cycles per miss) swept per workload and policy; one "
        "deterministic run per cell. A cell: `{}`.\n\n**Hit rate**\n\n",
        example);
    o.markdown += markdown_table(headers, hit_cells);
    o.markdown += "\n**Modeled overhead** (extra cycles over instructions)\n\n";
    o.markdown += markdown_table(headers, overhead_cells);
    o.markdown += fmt::format(
        "\n![hit rate](cache_hit_rate.png)\n![modeled overhead](cache_overhead.png)\n\nPlots: "
        "{}.\n",
        policy_label(composite));
    o.markdown += coprocessor_table(ctx, o);
    o.plots.push_back({{"file", "cache_hit_rate.png"},
                       {"kind", "line"},
                       {"title", "Rule-cache hit rate, " + policy_label(composite)},
                       {"xlabel", "rule-cache entries"},
                       {"ylabel", "hit rate (%)"},
                       {"xlog", true},
                       {"series", hit_series}});
    o.plots.push_back({{"file", "cache_overhead.png"},
                       {"kind", "line"},
                       {"title", "Modeled cycle overhead, " + policy_label(composite)},
                       {"xlabel", "rule-cache entries"},
                       {"ylabel", "modeled overhead (%)"},
                       {"xlog", true},
                       {"ylog", true},
                       {"series", overhead_series}});
    return o;
  }

 private:
  static std::string key(const std::string& w, const std::string& p, unsigned size) {
    return fmt::format("{}|{}|{}", w, p, size);
  }
  // Question 4: the same runs' misses and tag writes in-core (the pipeline stalls for each) and
  // absorbed by a decoupled co-processor (tags/engine/coprocessor_model.h), at 1024 entries.
  std::string coprocessor_table(const BenchContext& ctx, SuiteOutput& o) {
    constexpr unsigned kSize = 1024;
    if (std::find(sizes_.begin(), sizes_.end(), kSize) == sizes_.end()) return {};
    std::vector<std::string> headers = {"workload", "policy", "in-core"};
    std::vector<std::vector<std::string>> cells;
    for (const std::string& w : workloads_)
      for (const std::string& p : policies_) {
        if (p == kAllTenRaw || p.find(',') == std::string::npos) continue;  // composites only
        const GuestRun& r = runs_[key(w, p, kSize)];
        const nlohmann::json& tags = r.stats["tags"];
        std::vector<std::string> row = {w, policy_label(p),
                                        percent(tags["modeled_overhead"].get<double>(), 2)};
        nlohmann::json json_row = {{"workload", w},
                                   {"policy", policy_label(p)},
                                   {"entries", kSize},
                                   {"kind", "coprocessor"},
                                   {"in_core_overhead", tags["modeled_overhead"]},
                                   {"coprocessor", tags["coprocessor"]},
                                   {"command", ctx.shown(r.argv)}};
        for (const nlohmann::json& c : tags["coprocessor"]) {
          if (cells.empty())
            headers.push_back(fmt::format("co-processor {}-wide, {}-entry queue",
                                          c["width"].get<unsigned>(), c["queue"].get<unsigned>()));
          row.push_back(percent(c["modeled_overhead"].get<double>(), 2));
        }
        o.rows.push_back(json_row);
        cells.push_back(row);
      }
    return "\n**In-core rule cache vs a tag co-processor** (question 4; 1024-entry 4-way cache, 30 "
           "cycles per miss, the same runs): *in-core* stalls the pipeline for every miss and "
           "tag write (the figures above); a *co-processor* checks retired instructions from a "
           "queue beside the core, W per cycle while its cache hits, and does the tag writes; "
           "the core waits only when the queue is full, and for the drain at the end "
           "(`tags.coprocessor` in `--stats`; model and limits: tags/engine/coprocessor_model.h; "
           "no synchronisation before I/O modeled, so these are the co-processor's best "
           "case).\n\n" +
           markdown_table(headers, cells);
  }
  std::vector<unsigned> sizes_;
  std::vector<std::string> workloads_, policies_;
  std::map<std::string, GuestRun> runs_;
};

}  // namespace

std::unique_ptr<Suite> make_policies_suite() { return std::make_unique<PoliciesSuite>(); }
std::unique_ptr<Suite> make_cache_suite() { return std::make_unique<CacheSuite>(); }

}  // namespace unitag::bench
