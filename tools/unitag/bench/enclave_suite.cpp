// `enclave` (question 2): what isolating code costs per call. A call through a `compartment`
// gate (Timber-V style enclave inside one image) against the same call in shared code, untagged
// and tagged; a request/reply to another partition on a tagged hart (the multikernel's way to
// isolate, in modeled cycles at one instruction per cycle); and the published cost of an SGX
// ECALL/OCALL round trip, which is quoted, not measured.
#include <fmt/format.h>

#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

constexpr double kGateCalls = 10'000'000;  // tests/tags/guest/bench_gate.c: CALLS
// Published: an SGX enclave transition round trip (ECALL + return, or OCALL) costs roughly
// 8,000-14,000 cycles on Skylake-class cores (Weisse et al., ISCA 2017; Intel's SDK figures).
constexpr double kSgxLow = 8000, kSgxHigh = 14000;

class EnclaveSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    repeat_ = ctx.quick ? 1 : 5;
    rounds_ = ctx.quick ? "200" : "1000";
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat_; ++rep)
      for (const char* image : {"tags_bench_gate_plain", "tags_bench_gate"})
        for (const char* policy : {"", "compartment"}) {
          const std::string key = fmt::format("{}|{}", image, policy);
          steps.push_back(
              {fmt::format("{} {} (run {}/{})", image, *policy ? policy : "untagged", rep, repeat_),
               [this, &ctx, image, policy, key] {
                 std::vector<std::string> flags;
                 if (*policy) flags = {"--policy", policy};
                 GuestRun r = run_guest_ok(ctx, image, flags);
                 keep_min(best_cpu_[key], r.guest_cpu_seconds());
                 calls_[key] = std::move(r);
               }});
        }
    steps.push_back({"request/reply to a tagged partition (lockstep)", [this, &ctx] {
                       rpc_ = run_guest_ok(
                           ctx, "mk_selftest",
                           {"--harts", "2", "--partition", "0", "--partition", "1:tagged",
                            "--policy", "compartment", "--deterministic", "--quantum", "1"},
                           {"pingpong-poll", rounds_});
                     }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    const double plain = cycles_per_call("tags_bench_gate_plain|");
    auto add = [&](const std::string& what, const std::string& policy, double cycles,
                   const std::string& host_ns, const std::string& command) {
      o.rows.push_back({{"mechanism", what},
                        {"policy", policy},
                        {"modeled_cycles_per_call", cycles},
                        {"vs_plain_call", cycles / plain},
                        {"command", command}});
      cells.push_back({what, policy, fixed(cycles, 2), fixed(cycles / plain, 1) + "x", host_ns,
                       command.empty() ? "published" : "`" + command + "`"});
    };
    for (const char* image : {"tags_bench_gate_plain", "tags_bench_gate"})
      for (const char* policy : {"", "compartment"}) {
        const std::string key = fmt::format("{}|{}", image, policy);
        add(std::string(image) == "tags_bench_gate" ? "call through a compartment gate"
                                                    : "plain call (shared code)",
            *policy ? policy : "untagged", cycles_per_call(key),
            fixed(1e9 * best_cpu_[key] / kGateCalls, 2), ctx.shown(calls_[key].argv));
      }
    const uint64_t rtt = rpc_.number_after("pingpong:", " %*u round trips %*s %llu cycles");
    add("request/reply to a tagged partition (polling channel)", "compartment on partition 1",
        static_cast<double>(rtt), "-", ctx.shown(rpc_.argv));
    add(fmt::format("SGX ECALL/OCALL round trip ({:.0f}-{:.0f} cycles)", kSgxLow, kSgxHigh),
        "hardware enclave", (kSgxLow + kSgxHigh) / 2, "-", "");
    o.markdown = fmt::format(
        "Modeled cycles per call ({:.0f} M calls of a one-line function; the partition row is one "
        "round trip of a polling channel in lockstep, one instruction per cycle); host ns per "
        "call: best CPU time of {} round(s). The SGX row is the published range's midpoint, not "
        "a measurement.\n\n",
        kGateCalls / 1e6, repeat_);
    o.markdown += markdown_table({"mechanism", "policy", "modeled cycles per call", "vs plain call",
                                  "host ns per call", "command"},
                                 cells);
    return o;
  }

 private:
  double cycles_per_call(const std::string& key) {
    const nlohmann::json& hart = calls_[key].stats["per_hart"][0];
    return hart["cycles"].get<double>() / kGateCalls;
  }
  int repeat_ = 1;
  std::string rounds_;
  std::map<std::string, double> best_cpu_;
  std::map<std::string, GuestRun> calls_;
  GuestRun rpc_;
};

}  // namespace

std::unique_ptr<Suite> make_enclave_suite() { return std::make_unique<EnclaveSuite>(); }

}  // namespace unitag::bench
