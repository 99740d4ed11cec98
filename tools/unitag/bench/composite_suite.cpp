// `composite`: the composite of all ten policies on compute workloads and library-OS tests, with
// the modeled rule cache keyed on raw tags (every combination of identities is a rule) and on
// canonical rules (identities compared: tags/engine/canonical_rules.h), and what it costs the
// host against the untagged run (best CPU time of interleaved rounds: the host is shared).
#include <fmt/format.h>

#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

constexpr const char* kAllTen = "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds";

struct Workload {
  std::string label, image;
  std::vector<std::string> flags, guest_args;
};

class CompositeSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    repeat_ = ctx.quick ? 1 : 5;  // the short runs' host ratios move by a fifth between rounds
    workloads_ = {{"matmul", "tags_bench_matmul", {}, {}},
                  {"sort", "tags_bench_sort", {}, {}},
                  {"hash table", "tags_benign_hash", {}, {}},
                  {"selftest mutex (3 harts)", "kernel_selftest", {"--harts", "3"}, {"mutex"}}};
    if (!ctx.quick) {
      workloads_.insert(workloads_.begin() + 2, {"crc", "tags_bench_crc", {}, {}});
      for (const char* scenario : {"malloc", "files", "cxx", "sync"})
        workloads_.push_back({fmt::format("selftest {}", scenario),
                              "kernel_selftest",
                              {"--harts", "2"},
                              {scenario}});
      workloads_.push_back({"threads app", "threads", {}, {}});
    }
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat_; ++rep)
      for (const Workload& w : workloads_) {
        steps.push_back(
            {fmt::format("{} untagged (run {}/{})", w.label, rep, repeat_), [this, &ctx, w] {
               keep_min(base_cpu_[w.label], run(ctx, w, {}).guest_cpu_seconds());
             }});
        steps.push_back(
            {fmt::format("{} all ten (run {}/{})", w.label, rep, repeat_), [this, &ctx, w] {
               GuestRun r = run(ctx, w, {"--policy", kAllTen});
               keep_min(tagged_cpu_[w.label], r.guest_cpu_seconds());
               canonical_[w.label] = std::move(r);
             }});
      }
    for (const Workload& w : workloads_)
      steps.push_back({fmt::format("{} all ten, raw rule keys", w.label), [this, &ctx, w] {
                         raw_[w.label] = run(ctx, w, {"--policy", kAllTen, "--rule-key", "raw"});
                       }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells, coprocessor_cells;
    std::vector<std::string> coprocessor_headers = {"workload", "in-core"};
    for (const Workload& w : workloads_) {
      const nlohmann::json& c = canonical_[w.label].stats["tags"];
      const nlohmann::json& r = raw_[w.label].stats["tags"];
      const uint64_t insns = canonical_[w.label].instructions();
      const double ratio = tagged_cpu_[w.label] / base_cpu_[w.label];
      const double tag_ops = insns ? c["tag_op_cycles"].get<double>() / insns : 0;
      o.rows.push_back({{"workload", w.label},
                        {"instructions", insns},
                        {"raw_overhead", r["modeled_overhead"]},
                        {"canonical_overhead", c["modeled_overhead"]},
                        {"raw_misses", r["rule_cache_misses"]},
                        {"canonical_misses", c["rule_cache_misses"]},
                        {"concrete_rules", c["distinct_rules"]},
                        {"canonical_rules", c["canonical_rules"]["rules"]},
                        {"unsound_merges", c["canonical_rules"]["unsound_merges"]},
                        {"tag_op_share", tag_ops},
                        {"host_ratio", ratio},
                        {"coprocessor", c["coprocessor"]},
                        {"command", ctx.shown(canonical_[w.label].argv)}});
      std::vector<std::string> coprocessor_row = {w.label,
                                                  percent(c["modeled_overhead"].get<double>(), 2)};
      for (const nlohmann::json& k : c["coprocessor"]) {
        if (coprocessor_cells.empty())
          coprocessor_headers.push_back(fmt::format(
              "{}-wide, {}-entry queue", k["width"].get<unsigned>(), k["queue"].get<unsigned>()));
        coprocessor_row.push_back(percent(k["modeled_overhead"].get<double>(), 2));
      }
      coprocessor_cells.push_back(coprocessor_row);
      cells.push_back({w.label, grouped(insns), percent(r["modeled_overhead"].get<double>(), 2),
                       percent(c["modeled_overhead"].get<double>(), 2),
                       grouped(r["rule_cache_misses"].get<uint64_t>()),
                       grouped(c["rule_cache_misses"].get<uint64_t>()),
                       grouped(c["distinct_rules"].get<uint64_t>()),
                       grouped(c["canonical_rules"]["rules"].get<uint64_t>()),
                       grouped(c["canonical_rules"]["unsound_merges"].get<uint64_t>()),
                       percent(tag_ops, 2), fixed(ratio, 2) + "x"});
    }
    const Workload& first = workloads_.back();
    o.markdown = fmt::format(
        "The composite of all ten policies (1024-entry 4-way cache, 30 cycles per miss); the "
        "modeled cache keyed on raw tags (`--rule-key raw`) and on canonical rules (the "
        "default). *tag ops*: modeled cycles of tag writes (allocations, frames) over "
        "instructions, included in the overhead. *host ratio*: best all-ten CPU time over best "
        "untagged on the same engine (the default: translated, the tag checks compiled in) of "
        "{} interleaved round(s). A row: "
        "`{}`.\n\n",
        repeat_, ctx.shown(canonical_[first.label].argv));
    o.markdown +=
        markdown_table({"workload", "guest insns", "overhead (raw keys)", "overhead (canonical)",
                        "misses (raw)", "misses (canonical)", "concrete rules", "canonical rules",
                        "unsound merges", "tag ops", "host ratio"},
                       cells);
    o.markdown +=
        "\nThe same all-ten runs with the misses and tag writes absorbed by a tag co-processor "
        "beside the core instead of stalling it (question 4: checks W instructions per cycle "
        "from a queue of retired instructions; the core waits only when the queue is full; "
        "tags/engine/coprocessor_model.h). Modeled overhead:\n\n" +
        markdown_table(coprocessor_headers, coprocessor_cells);
    return o;
  }

 private:
  static GuestRun run(const BenchContext& ctx, const Workload& w, std::vector<std::string> flags) {
    flags.insert(flags.end(), w.flags.begin(), w.flags.end());
    flags.push_back("--deterministic");
    return run_guest_ok(ctx, w.image, flags, w.guest_args);
  }
  int repeat_ = 1;
  std::vector<Workload> workloads_;
  std::map<std::string, double> base_cpu_, tagged_cpu_;
  std::map<std::string, GuestRun> canonical_, raw_;
};

}  // namespace

std::unique_ptr<Suite> make_composite_suite() { return std::make_unique<CompositeSuite>(); }

}  // namespace unitag::bench
