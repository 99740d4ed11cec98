// `offload` (the multikernel): channel round trips in modeled cycles (lockstep: every hart one
// instruction per turn, so a cycle on one hart is a cycle on the other) and in host time,
// messages per second, the Mandelbrot as SMP vs one partition per hart, and the offload
// experiment — the gateway app under all-tagged, critical-only and none-tagged placement, with
// benign and attack inputs: wall time, modeled cycles, and which attacks were caught; and an
// elastic system (apps/elastic) growing and shrinking with its load.
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

// apps/elastic's phases: light, heavy, light, heavy, light tasks.
constexpr unsigned kLightTasks = 4, kHeavyTasks = 32;

const std::vector<std::string> kPlacements = {"all-tagged", "critical-only", "none-tagged"};
const std::vector<std::string> kAttacks = {"none", "overflow", "uaf"};
// One hart per partition: two host threads on a host with two CPUs, so no emulated hart holding a
// guest spinlock waits for a host CPU while the other spins (lock-holder preemption, which the
// 4-hart layout shows on this host).
const std::vector<std::string> kGatewayLayout = {
    "--harts", "2", "--partition", "0", "--partition", "1:tagged", "--policy", "heap,stack,cfi"};

class OffloadSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    const std::string rounds = ctx.quick ? "200" : "1000";
    std::vector<Step> steps;
    for (const char* mode : {"pingpong-poll", "pingpong"}) {
      steps.push_back(
          {fmt::format("{} lockstep (modeled cycles)", mode), [this, &ctx, mode, rounds] {
             rtt_lockstep_[mode] = run_guest_ok(ctx, "mk_selftest",
                                                {"--harts", "2", "--partition", "0", "--partition",
                                                 "1", "--deterministic", "--quantum", "1"},
                                                {mode, rounds});
           }});
      steps.push_back({fmt::format("{} parallel (host time)", mode), [this, &ctx, mode] {
                         rtt_parallel_[mode] =
                             run_guest_ok(ctx, "mk_selftest",
                                          {"--harts", "2", "--partition", "0", "--partition", "1"},
                                          {mode, "2000"});
                       }});
    }
    steps.push_back({"stress: messages per second", [this, &ctx] {
                       stress_ =
                           run_guest_ok(ctx, "mk_selftest",
                                        {"--harts", "2", "--partition", "0", "--partition", "1"},
                                        {"stress", ctx_quick_count(ctx), "1"});
                     }});
    harts_ = ctx.quick ? std::vector<unsigned>{1, 2} : std::vector<unsigned>{1, 2, 4};
    const std::vector<std::string> size = ctx.quick ? std::vector<std::string>{"192", "128", "256"}
                                                    : std::vector<std::string>{"384", "256", "512"};
    for (unsigned n : harts_) {
      steps.push_back(
          {fmt::format("mandel SMP, {} harts", n), [this, &ctx, n, size] {
             smp_[n] = run_guest_ok(ctx, "mandel", {"--harts", std::to_string(n)}, size);
           }});
      steps.push_back({fmt::format("mandel multikernel, {} partitions", n), [this, &ctx, n, size] {
                         mk_[n] = run_guest_ok(ctx, "mandel", one_partition_per_hart(n), size);
                       }});
    }
    steps.push_back({"wordcount SMP", [this, &ctx] {
                       wc_smp_ = run_guest_ok(ctx, "wordcount", {"--harts", "4"});
                     }});
    steps.push_back({"wordcount multikernel", [this, &ctx] {
                       wc_mk_ = run_guest_ok(ctx, "wordcount", one_partition_per_hart(4));
                     }});
    const std::string requests = ctx.quick ? "32" : "64";
    const std::string work = ctx.quick ? "100000" : "300000";
    for (const std::string& placement : kPlacements)
      for (const std::string& attack : kAttacks)
        steps.push_back({fmt::format("gateway {} {}", placement, attack),
                         [this, &ctx, placement, attack, requests, work] {
                           std::vector<std::string> flags = kGatewayLayout;
                           flags.push_back("--placement");
                           flags.push_back(placement);
                           gateway_[fmt::format("{}/{}", placement, attack)] =
                               run_guest(ctx, "gateway", flags, {requests, attack, work});
                         }});
    // Elastic partitions (question 5): the same rising and falling load with and without a
    // partition slot to grow into.
    for (const bool elastic : {true, false})
      steps.push_back(
          {fmt::format("elastic load, {}", elastic ? "elastic" : "fixed"), [this, &ctx, elastic] {
             std::vector<std::string> flags = {"--harts", "3", "--partition", "0"};
             if (elastic) flags.insert(flags.end(), {"--elastic", "1"});
             elastic_[elastic] =
                 run_guest_ok(ctx, "elastic", flags,
                              {std::to_string(kLightTasks), std::to_string(kHeavyTasks),
                               ctx.quick ? "50000" : "200000"});
           }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    channels(ctx, o);
    mandel(ctx, o);
    offload(ctx, o);
    elastic(ctx, o);
    return o;
  }

 private:
  static std::string ctx_quick_count(const BenchContext& ctx) {
    return ctx.quick ? "50000" : "500000";
  }

  void channels(const BenchContext& ctx, SuiteOutput& o) {
    std::vector<std::vector<std::string>> cells;
    for (const char* mode : {"pingpong-poll", "pingpong"}) {
      const GuestRun& l = rtt_lockstep_[mode];
      const GuestRun& p = rtt_parallel_[mode];
      const uint64_t cycles = l.number_after("pingpong:", " %*u round trips %*s %llu cycles");
      const uint64_t ns = p.number_after(
          "pingpong:", " %*u round trips %*s %*u cycles each on partition %*u, %llu ns");
      const std::string wait = std::string(mode) == "pingpong" ? "interrupt (IPI)" : "polling";
      o.rows.push_back({{"kind", "channel_rtt"},
                        {"wait", wait},
                        {"modeled_cycles", cycles},
                        {"host_ns", ns},
                        {"command_cycles", ctx.shown(l.argv)},
                        {"command_ns", ctx.shown(p.argv)}});
      cells.push_back({wait, grouped(cycles), grouped(ns), fmt::format("`{}`", ctx.shown(l.argv))});
    }
    const uint64_t messages = stress_.number_after("stress:", " %llu");
    const double wall = stress_.stats.value("wall_seconds", 0.0);
    const double per_second = wall > 0 ? double(messages) / wall : 0;
    o.rows.push_back({{"kind", "channel_throughput"},
                      {"messages", messages},
                      {"wall_seconds", wall},
                      {"messages_per_second", per_second},
                      {"command", ctx.shown(stress_.argv)}});
    o.markdown +=
        "Channel round trip between two partitions (one hart each): modeled cycles measured in "
        "lockstep (deterministic, `--quantum 1`: both harts advance one instruction per turn, "
        "so the figure is the round trip at one instruction per cycle); host nanoseconds in "
        "parallel mode (a host thread per hart). Barrelfish's URPC: about 450 cycles on real "
        "hardware.\n\n";
    o.markdown += markdown_table({"wait", "modeled cycles", "host ns", "command"}, cells);
    o.markdown += fmt::format(
        "\nThroughput: {} messages from one partition to another in {} s: {} messages/s "
        "(`{}`).\n\n",
        grouped(messages), fixed(wall, 2), grouped(uint64_t(per_second)), ctx.shown(stress_.argv));
  }

  void mandel(const BenchContext& ctx, SuiteOutput& o) {
    std::vector<std::vector<std::string>> cells;
    nlohmann::json xs = nlohmann::json::array(), smp = nlohmann::json::array(),
                   mk = nlohmann::json::array();
    const double smp1 = smp_[1].stats.value("wall_seconds", 0.0),
                 mk1 = mk_[1].stats.value("wall_seconds", 0.0);
    for (unsigned n : harts_) {
      const double ws = smp_[n].stats.value("wall_seconds", 0.0),
                   wm = mk_[n].stats.value("wall_seconds", 0.0);
      o.rows.push_back({{"kind", "mandel_smp_vs_multikernel"},
                        {"harts", n},
                        {"smp_wall_seconds", ws},
                        {"multikernel_wall_seconds", wm},
                        {"smp_instructions", smp_[n].instructions()},
                        {"multikernel_instructions", mk_[n].instructions()},
                        {"command_smp", ctx.shown(smp_[n].argv)},
                        {"command_multikernel", ctx.shown(mk_[n].argv)}});
      cells.push_back({std::to_string(n), fixed(ws, 3), fixed(smp1 / ws, 2) + "x", fixed(wm, 3),
                       fixed(mk1 / wm, 2) + "x", grouped(smp_[n].instructions()),
                       grouped(mk_[n].instructions())});
      xs.push_back(n);
      smp.push_back(smp1 / ws);
      mk.push_back(mk1 / wm);
    }
    o.markdown += fmt::format(
        "`apps/mandel`: the same image as SMP (one kernel on all harts) and as a multikernel (one "
        "partition, so one kernel, per hart); bands of rows are tasks placed over the "
        "partitions, results in channel memory. Wall time includes boot. Commands: `{}`, `{}`.\n\n",
        ctx.shown(smp_[harts_.back()].argv), ctx.shown(mk_[harts_.back()].argv));
    o.markdown +=
        markdown_table({"harts", "SMP wall s", "SMP speedup", "multikernel wall s",
                        "multikernel speedup", "SMP instructions", "multikernel instructions"},
                       cells);
    o.markdown += "\n![mandel](mandel_smp_multikernel.png)\n\n";
    const uint64_t pairs =
        wc_mk_.number_after("wordcount:", " %*u files, %*u words, %*u distinct, %llu");
    for (const GuestRun* r : {&wc_smp_, &wc_mk_})
      o.rows.push_back({{"kind", "wordcount"},
                        {"partitions", r == &wc_smp_ ? 1 : 4},
                        {"wall_seconds", r->stats.value("wall_seconds", 0.0)},
                        {"instructions", r->instructions()},
                        {"pairs_reduced", pairs},
                        {"command", ctx.shown(r->argv)}});
    o.markdown += fmt::format(
        "Map-reduce word count (`apps/wordcount`, 8 license texts, {} (word, count) pairs reduced "
        "over channels): SMP on 4 harts {} s, {} instructions (`{}`); 4 partitions {} s, {} "
        "instructions (`{}`).\n\n",
        grouped(pairs), fixed(wc_smp_.stats.value("wall_seconds", 0.0), 3),
        grouped(wc_smp_.instructions()), ctx.shown(wc_smp_.argv),
        fixed(wc_mk_.stats.value("wall_seconds", 0.0), 3), grouped(wc_mk_.instructions()),
        ctx.shown(wc_mk_.argv));
    o.plots.push_back({{"file", "mandel_smp_multikernel.png"},
                       {"kind", "line"},
                       {"title", "apps/mandel: speedup over 1 hart"},
                       {"xlabel", "harts"},
                       {"ylabel", "speedup"},
                       {"series",
                        {{{"label", "SMP"}, {"x", xs}, {"y", smp}},
                         {{"label", "multikernel"}, {"x", xs}, {"y", mk}},
                         {{"label", "ideal"}, {"x", xs}, {"y", xs}}}}});
  }

  void offload(const BenchContext& ctx, SuiteOutput& o) {
    std::vector<std::vector<std::string>> cells;
    std::map<std::string, double> benign_wall, benign_cpu;
    for (const std::string& placement : kPlacements) {
      std::vector<std::string> row = {fmt::format("{}", placement)};
      for (const std::string& attack : kAttacks) {
        const GuestRun& r = gateway_[fmt::format("{}/{}", placement, attack)];
        const int code = r.process.exit_code;
        const double wall = r.stats.value("wall_seconds", 0.0);
        const bool caught = code == 122;
        std::string outcome = caught      ? "caught"
                              : code == 0 ? (attack == "none" ? "ok" : "missed")
                                          : fmt::format("crashed (exit {})", code);
        o.rows.push_back({{"kind", "offload"},
                          {"placement", placement},
                          {"attack", attack},
                          {"exit_code", code},
                          {"outcome", outcome},
                          {"wall_seconds", wall},
                          {"cpu_seconds", r.guest_cpu_seconds()},
                          {"modeled_cycles", r.modeled_cycles()},
                          {"instructions", r.instructions()},
                          {"command", ctx.shown(r.argv)}});
        if (attack == "none") {
          benign_wall[placement] = wall;
          benign_cpu[placement] = r.guest_cpu_seconds();
          row.push_back(fixed(wall, 3));
          row.push_back(fixed(r.guest_cpu_seconds(), 3));
          row.push_back(grouped(r.modeled_cycles()));
        } else {
          row.push_back(outcome);
        }
      }
      cells.push_back(row);
    }
    const double ratio = benign_wall["critical-only"] > 0
                             ? benign_wall["all-tagged"] / benign_wall["critical-only"]
                             : 0;
    const double cpu_ratio = benign_cpu["critical-only"] > 0
                                 ? benign_cpu["all-tagged"] / benign_cpu["critical-only"]
                                 : 0;
    o.rows.push_back({{"kind", "offload_speedup"},
                      {"all_tagged_over_critical_only", ratio},
                      {"all_tagged_over_critical_only_cpu", cpu_ratio}});
    o.markdown += fmt::format(
        "Offload experiment: `apps/gateway` (request parsing is `UK_OFFLOADED`, the digest of "
        "each request is bulk work) on 2 harts, partition 0 (hart 0) untagged, partition 1 "
        "(hart 1) tagged under `heap,stack,cfi`. *all-tagged*: everything on the tagged "
        "partition; *critical-only*: bulk on the untagged one, each parse offloaded; "
        "*none-tagged*: everything untagged. Benign run: wall s, host CPU s of all harts, "
        "modeled cycles of all harts. Attack columns: caught = a tag violation stopped the run "
        "(exit 122). all-tagged / critical-only: **{}x** wall time, **{}x** host CPU time (the "
        "CPU figure is the robust one on a busy host: wall time also counts waiting for a host "
        "CPU). Command: `{}`.\n\n",
        fixed(ratio, 2), fixed(cpu_ratio, 2), ctx.shown(gateway_["critical-only/none"].argv));
    o.markdown += markdown_table({"placement", "benign wall s", "benign CPU s", "benign cycles",
                                  "heap overflow", "use after free"},
                                 cells);
  }

  // apps/elastic's report: per phase "phase N: K tasks, ..., T ms", and the partitions it
  // started and stopped.
  struct ElasticRun {
    double heavy_ms = 0, light_ms = 0;
    unsigned starts = 0, stops = 0;
    std::string checksum;
  };
  static ElasticRun parse_elastic(const GuestRun& r) {
    ElasticRun e;
    std::istringstream out(r.process.out);
    for (std::string line; std::getline(out, line);) {
      unsigned phase = 0, tasks = 0;
      double ms = 0;
      if (line.find("started partition") != std::string::npos) ++e.starts;
      if (line.find("stopped partition") != std::string::npos) ++e.stops;
      const size_t comma = line.rfind(", ");
      if (std::sscanf(line.c_str(), "phase %u: %u tasks", &phase, &tasks) == 2 &&
          comma != std::string::npos && std::sscanf(line.c_str() + comma + 2, "%lf ms", &ms) == 1)
        (tasks == kHeavyTasks ? e.heavy_ms : e.light_ms) += ms;
    }
    const std::string prefix = "elastic: checksum ", done = r.output_line(prefix);
    if (!done.empty()) e.checksum = done.substr(prefix.size(), done.find(',') - prefix.size());
    return e;
  }
  void elastic(const BenchContext& ctx, SuiteOutput& o) {
    std::vector<std::vector<std::string>> cells;
    const ElasticRun grow = parse_elastic(elastic_[true]),
                     fixed_one = parse_elastic(elastic_[false]);
    for (const bool is_elastic : {true, false}) {
      const ElasticRun& e = is_elastic ? grow : fixed_one;
      o.rows.push_back({{"kind", "elastic"},
                        {"config", is_elastic ? "elastic" : "fixed"},
                        {"partitions_started", e.starts},
                        {"partitions_stopped", e.stops},
                        {"heavy_phase_ms", e.heavy_ms},
                        {"light_phase_ms", e.light_ms},
                        {"checksum", e.checksum},
                        {"command", ctx.shown(elastic_[is_elastic].argv)}});
      cells.push_back({is_elastic ? "elastic (`--elastic 1`)" : "fixed (one partition)",
                       std::to_string(e.starts), std::to_string(e.stops), fixed(e.heavy_ms, 0),
                       fixed(e.light_ms, 0), e.checksum});
    }
    const double speedup = grow.heavy_ms > 0 ? fixed_one.heavy_ms / grow.heavy_ms : 0;
    o.rows.push_back(
        {{"kind", "elastic_summary"},
         {"heavy_phase_speedup", speedup},
         {"same_result", grow.checksum == fixed_one.checksum && !grow.checksum.empty()},
         {"partitions_started", grow.starts},
         {"partitions_stopped", grow.stops}});
    o.markdown += fmt::format(
        "\nElastic partitions (`apps/elastic`: phases of {0}, {1}, {0}, {1}, {0} tasks on "
        "partition 0 of 3 harts; with `--elastic 1` it starts a second partition on the 2 idle "
        "harts when the queue reaches 16 and stops it when the load falls). Phase times as the "
        "guest measures them (ms, its timer). Heavy phases **{2}x** faster when the system may "
        "grow. Command: `{3}`.\n\n",
        kLightTasks, kHeavyTasks, fixed(speedup, 2), ctx.shown(elastic_[true].argv));
    o.markdown += markdown_table({"configuration", "partitions started", "partitions stopped",
                                  "heavy phases ms", "light phases ms", "checksum"},
                                 cells);
  }

  std::map<bool, GuestRun> elastic_;
  std::map<std::string, GuestRun> rtt_lockstep_, rtt_parallel_;
  GuestRun stress_;
  std::vector<unsigned> harts_;
  std::map<unsigned, GuestRun> smp_, mk_;
  GuestRun wc_smp_, wc_mk_;
  std::map<std::string, GuestRun> gateway_;
};

}  // namespace

std::unique_ptr<Suite> make_offload_suite() { return std::make_unique<OffloadSuite>(); }

}  // namespace unitag::bench
