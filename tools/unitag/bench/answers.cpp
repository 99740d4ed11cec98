// The report's first section: each research question (../shared/seeds, "Research Questions")
// with the answer this run's rows give, computed from results.json's rows (never typed in), the
// suite that measured it, and what the numbers cannot say. A question whose suites did not run
// (or were skipped) says so.
#include "tools/unitag/bench/answers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

using Json = nlohmann::json;

// The rows of a suite that ran ("ok"), else nullptr.
const Json* rows_of(const Json& suites, const char* name) {
  if (!suites.contains(name)) return nullptr;
  const Json& s = suites[name];
  if (s.value("status", "") != "ok") return nullptr;
  return &s["rows"];
}

std::string not_measured(const Json& suites, const char* name) {
  const std::string status =
      suites.contains(name) ? suites[name].value("status", "not run") : "not run";
  return fmt::format("*Not measured in this run* (`{}`: {}; `build/unitag bench --suite {}`).",
                     name, status, name);
}

double number(const Json& row, const char* field) {
  return row.contains(field) && row[field].is_number() ? row[field].get<double>() : 0.0;
}

// min and max of field over the rows that `keep`.
std::pair<double, double> range(const Json& rows, const char* field,
                                const std::function<bool(const Json&)>& keep) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Json& r : rows)
    if (keep(r) && r.contains(field) && r[field].is_number()) {
      lo = std::min(lo, r[field].get<double>());
      hi = std::max(hi, r[field].get<double>());
    }
  return {lo, hi};
}
bool found(const std::pair<double, double>& r) { return r.first <= r.second; }

// A row's co-processor figure for one configuration (tags.coprocessor in --stats).
double coprocessor_overhead(const Json& row, unsigned width, unsigned queue) {
  for (const Json& c : row.value("coprocessor", Json::array()))
    if (c.value("width", 0u) == width && c.value("queue", 0u) == queue)
      return number(c, "modeled_overhead");
  return 0;
}

const Json* row_where(const Json& rows, const char* field, const std::string& value) {
  for (const Json& r : rows)
    if (r.contains(field) && r[field].is_string() && r[field].get<std::string>() == value)
      return &r;
  return nullptr;
}

std::string q1(const Json& suites) {
  std::string s = "### 1. Where does a unikernel gain on tagged hardware over a monolithic OS?\n\n";
  if (const Json* rows = rows_of(suites, "monolithic")) {
    const Json* boot = row_where(*rows, "workload", "true");
    const Json* calls = row_where(*rows, "workload", "syscalls");
    if (boot)
      s += fmt::format(
          "- **Boot**: reset to a finished do-nothing program takes Linux {:.0f}x the library "
          "OS's instructions ({} vs {}).\n",
          number(*boot, "linux_over_libos"), grouped(number(*boot, "linux_instructions")),
          grouped(number(*boot, "libos_instructions")));
    if (calls)
      s += fmt::format(
          "- **System calls**: the same system-call-heavy program costs Linux {:.2f}x the "
          "instructions.\n",
          number(*calls, "linux_over_libos"));
    const auto compute = range(*rows, "linux_over_libos", [](const Json& r) {
      const std::string w = r.value("workload", "");
      return w == "sort" || w == "containers";
    });
    if (found(compute))
      s += fmt::format(
          "- **Compute**: within {:.0f}% either way (Linux/library OS {:.2f}-{:.2f}x): the same "
          "user code runs.\n",
          100 * std::max(std::abs(compute.first - 1), std::abs(compute.second - 1)), compute.first,
          compute.second);
  } else {
    s += "- " + not_measured(suites, "monolithic") + "\n";
  }
  if (const Json* rows = rows_of(suites, "offload"))
    if (const Json* r = row_where(*rows, "kind", "offload_speedup"))
      s += fmt::format(
          "- **Tagging only the critical part** (the multikernel's offload: request parsing on a "
          "tagged partition, bulk work untagged) costs {:.2f}x less host CPU than running "
          "everything tagged, and the same attacks are caught (`offload`).\n",
          number(*r, "all_tagged_over_critical_only_cpu"));
  s += "\n*Limits*: one hart; the instruction counts are untagged (the tagged runs are in "
       "question 3); programs that fork or use pipes are not compared.\n\n";
  return s;
}

std::string q2(const Json& suites) {
  std::string s = "### 2. Do enclaves inside a unikernel isolate cheaply (vs SGX)?\n\n";
  const Json* rows = rows_of(suites, "enclave");
  if (!rows) return s + "- " + not_measured(suites, "enclave") + "\n\n";
  double gate = 0, plain = 0, rpc = 0, sgx = 0;
  for (const Json& r : *rows) {
    const std::string m = r.value("mechanism", ""), p = r.value("policy", "");
    if (m.find("compartment gate") != std::string::npos && p == "compartment")
      gate = number(r, "modeled_cycles_per_call");
    if (m.find("plain call") != std::string::npos && p == "untagged")
      plain = number(r, "modeled_cycles_per_call");
    if (m.find("partition") != std::string::npos) rpc = number(r, "modeled_cycles_per_call");
    if (m.find("SGX") != std::string::npos) sgx = number(r, "modeled_cycles_per_call");
  }
  if (gate > 0 && sgx > 0 && plain > 0)
    s += fmt::format(
        "- **{}** A call through a `compartment` gate costs {:.1f} modeled cycles, {:.2f}x a "
        "plain call ({:.1f}); an SGX ECALL/OCALL round trip is about {:.0f} (published), "
        "{:.0f}x more. A request/reply to a tagged partition (the multikernel's isolation) "
        "costs {:.0f} cycles, still {:.0f}x less than SGX.\n",
        gate < 2 * plain && gate * 10 < sgx ? "Yes." : "Not by this measure.", gate, gate / plain,
        plain, sgx, sgx / gate, rpc, rpc > 0 ? sgx / rpc : 0);
  s += "\n*Limits*: the gate's cost is the rule check (no extra instructions); the tag rules' "
       "hardware cost (area, a pipeline stage) is not modeled; SGX also encrypts memory, which "
       "tags do not.\n\n";
  return s;
}

// Question 3's third column: the same binaries as processes of Linux, the whole system tagged
// (the `monolithic` suite's tagged runs).
std::string linux_baseline_rules(const Json& suites) {
  std::string s;
  if (const Json* mono = rows_of(suites, "monolithic")) {
    const auto canonical = [](const Json& r, const char* system) {
      const Json& t = r.at(system);
      return static_cast<double>(
          t.value("canonical_rules", Json::object()).value("rules", uint64_t{0}));
    };
    double lo = 0, hi = 0, tags_lo = 0, tags_hi = 0;
    int n = 0;
    for (const Json& r : *mono) {
      if (!r.contains("linux_tagged") || !r.contains("libos_tagged") ||
          canonical(r, "libos_tagged") == 0)
        continue;
      const double ratio = canonical(r, "linux_tagged") / canonical(r, "libos_tagged");
      const double tags =
          static_cast<double>(r["linux_tagged"].value("distinct_tags", 0)) /
          std::max(1.0, static_cast<double>(r["libos_tagged"].value("distinct_tags", 0)));
      lo = n ? std::min(lo, ratio) : ratio;
      hi = n ? std::max(hi, ratio) : ratio;
      tags_lo = n ? std::min(tags_lo, tags) : tags;
      tags_hi = n ? std::max(tags_hi, tags) : tags;
      ++n;
    }
    if (n)
      s += fmt::format(
          "- **On the monolithic baseline** (`monolithic`): the same binaries as Linux processes, "
          "the whole system (OpenSBI, kernel, process) under `rwx,heap,stack,cfi` from reset, "
          "need "
          "{:.2f}-{:.2f}x the canonical rules and {:.0f}-{:.0f}x the distinct tags of the "
          "library OS running them ({} workloads).\n",
          lo, hi, tags_lo, tags_hi, n);
  }
  return s;
}

std::string q3(const Json& suites) {
  std::string s = "### 3. With fewer dependencies, does a unikernel need fewer tag rules?\n\n";
  const Json* rows = rows_of(suites, "rules");
  if (!rows)
    return s + "- " + not_measured(suites, "rules") + "\n" + linux_baseline_rules(suites) + "\n";
  const Json* summary = row_where(*rows, "summary", "rules_linux_over_unikernel_geomean");
  const auto ratio = range(*rows, "rules_linux_over_unikernel",
                           [](const Json& r) { return r.value("policy", "") == kRulesComposite; });
  // Each policy's geometric mean over the workloads, in the order the rows name them.
  std::vector<std::pair<std::string, std::pair<double, int>>> per_policy;
  for (const Json& r : *rows) {
    if (!r.contains("policy") || r.contains("summary")) continue;
    const std::string p = r["policy"].get<std::string>();
    auto it = std::find_if(per_policy.begin(), per_policy.end(),
                           [&](const auto& e) { return e.first == p; });
    if (it == per_policy.end()) it = per_policy.insert(per_policy.end(), {p, {0.0, 0}});
    it->second.first += std::log(number(r, "rules_linux_over_unikernel"));
    ++it->second.second;
  }
  std::string policies;
  for (const auto& [p, sum] : per_policy)
    policies +=
        fmt::format("{}{} {:.2f}x", policies.empty() ? "" : ", ",
                    p == kRulesComposite ? "composite" : p, std::exp(sum.first / sum.second));
  if (summary && found(ratio))
    s += fmt::format(
        "- **{}** The same C source as a Linux binary (with glibc, on the library OS's Linux "
        "personality) needs {:.2f}x the canonical rules of the unikernel app (geometric mean of "
        "{} workloads, {:.2f}-{:.2f}x) under `{}`{}.\n",
        number(*summary, "value") > 1 ? "Yes." : "No.", number(*summary, "value"),
        static_cast<int>(number(*summary, "workloads")), ratio.first, ratio.second, kRulesComposite,
        per_policy.size() > 1 ? ". Per policy (geometric means): " + policies : std::string());
  s += linux_baseline_rules(suites);
  s += "\n*Limits*: the Linux baseline's counts include the kernel's boot and /init, which "
       "the library OS does not have.\n\n";
  return s;
}

std::string q4(const Json& suites) {
  std::string s = "### 4. Is tag processing cheap enough without a dedicated co-processor?\n\n";
  const Json* comp = rows_of(suites, "composite");
  if (!comp) return s + "- " + not_measured(suites, "composite") + "\n\n";
  // Runs of a million instructions or more; below that, a cold cache's compulsory misses and
  // boot's tag writes are most of what is measured.
  constexpr double kLong = 1e6;
  const auto is_long = [](const Json& r) { return number(r, "instructions") >= kLong; };
  const auto in_core = range(*comp, "canonical_overhead", is_long);
  const auto in_core_short =
      range(*comp, "canonical_overhead", [&](const Json& r) { return !is_long(r); });
  double worst = -1, worst_narrow = 0, worst_wide = 0, worst_tag_ops = 0;
  std::string worst_name;
  for (const Json& r : *comp)
    if (is_long(r) && number(r, "canonical_overhead") > worst) {
      worst = number(r, "canonical_overhead");
      worst_name = r.value("workload", "");
      worst_narrow = coprocessor_overhead(r, 1, 1024);
      worst_wide = coprocessor_overhead(r, 2, 1024);
      worst_tag_ops = number(r, "tag_op_share");
    }
  const auto host = range(*comp, "host_ratio", is_long);
  if (found(in_core))
    s += fmt::format(
        "- **Modeled hardware cost, in-core rule cache**: all ten policies at once cost "
        "{:.2f}%-{:.1f}% extra cycles (1024 entries; canonical rules) on the runs of a million "
        "instructions or more{}.\n",
        100 * in_core.first, 100 * in_core.second,
        found(in_core_short)
            ? fmt::format("; {:.0f}%-{:.0f}% on the short library-OS selftests (under a million "
                          "instructions: a cold cache's compulsory misses and boot's tag writes)",
                          100 * in_core_short.first, 100 * in_core_short.second)
            : "");
  if (worst >= 0)
    s += fmt::format(
        "- **A co-processor** on the worst of those workloads ({}, {:.1f}% in-core, of which "
        "{:.1f} points are tag writes): {:.1f}% if it checks as fast as the core retires "
        "(1-wide, 1024-entry queue), {:.1f}% if it checks 2 per cycle: it helps only with "
        "slack.\n",
        worst_name, 100 * worst, 100 * worst_tag_ops, 100 * worst_narrow, 100 * worst_wide);
  if (found(host))
    s += fmt::format(
        "- **Host cost of doing it in software** (this emulator): {:.1f}-{:.1f}x the untagged "
        "CPU time for all ten on those runs.\n",
        host.first, host.second);
  s += "\n*Limits*: the co-processor model does not synchronise before I/O (its best case); "
       "cycle costs are modeled (30 cycles per miss, one instruction per cycle), not "
       "synthesised.\n\n";
  return s;
}

std::string security_lines(const Json& rows) {
  std::string s;
  int asserted = 0, reproduced = 0;
  for (const Json& r : rows)
    if (r.value("expected", "") == "caught") {
      ++asserted;
      if (r.value("caught", false)) ++reproduced;
    }
  s += fmt::format(
      "- **Attacks stopped**: {}/{} of the (attack, policy) pairs the tests assert are caught "
      "were caught in this run.\n",
      reproduced, asserted);
  for (const Json& r : rows)
    if (r.contains("summary") && r["summary"].is_string() && r.contains("columns")) {
      // "a | b | c |" under "name | x | y |": "x a, y b"
      const auto cells = [](std::string line) {
        std::vector<std::string> out;
        for (size_t at = 0; at < line.size();) {
          size_t end = line.find('|', at);
          if (end == std::string::npos) end = line.size();
          std::string c = line.substr(at, end - at);
          std::erase(c, '*');
          c.erase(0, c.find_first_not_of(' '));
          c.erase(c.find_last_not_of(' ') + 1);
          if (!c.empty()) out.push_back(c);
          at = end + 1;
        }
        return out;
      };
      const std::vector<std::string> names = cells(r["columns"].get<std::string>());
      const std::vector<std::string> values = cells(r["summary"].get<std::string>());
      std::string joined;
      for (size_t i = 0; i < values.size() && i + 1 < names.size(); ++i)
        joined += (joined.empty() ? "" : ", ") + names[i + 1] + " " + values[i];
      const std::string kind = r.value("kind", "");
      s += fmt::format("- **{}** ({}): {}.\n",
                       kind == "attack_matrix" ? "Attack matrix" : "Juliet-style heap corpus",
                       kind == "attack_matrix" ? "90 attacks caught, per policy alone and combined"
                                               : "per column",
                       joined);
    }
  return s;
}

std::string q5(const Json& suites) {
  std::string s = "### 5. Do tagged unikernels give a secure (and elastic) environment?\n\n";
  if (const Json* rows = rows_of(suites, "security"))
    s += security_lines(*rows);
  else
    s += "- " + not_measured(suites, "security") + "\n";
  if (const Json* off = rows_of(suites, "offload"))
    if (const Json* e = row_where(*off, "kind", "elastic_summary"))
      s += fmt::format(
          "- **Elastic**: under rising and falling load the system started {} and stopped {} "
          "partition(s) on idle harts; its heavy phases ran {:.2f}x faster than on one fixed "
          "partition, with {} result (`offload`).\n",
          static_cast<int>(number(*e, "partitions_started")),
          static_cast<int>(number(*e, "partitions_stopped")), number(*e, "heavy_phase_speedup"),
          e->value("same_result", false) ? "the same" : "a DIFFERENT");
  s += "\n*Limits*: the attacks are this project's own and a RIPE-style matrix, not exploits "
       "found in the wild; each policy's blind spots are in docs/policies.md; elastic speedups "
       "are bounded by this host's 2 CPUs.\n\n";
  return s;
}

std::string q6(const Json& suites) {
  std::string s =
      "### 6. Do tags speed up dynamic-language type checks, and how do multikernels scale?\n\n";
  if (const Json* rows = rows_of(suites, "types")) {
    const auto hw = range(*rows, "speedup_vs_software", [](const Json& r) {
      return r.value("kind", "") != "parallel" && r.value("build", "") == "hardware" &&
             r.value("policy", "") == "types";
    });
    if (found(hw))
      s += fmt::format(
          "- **Type tags**: the interpreter with hardware type checks needs {:.1f}% to {:.1f}% "
          "fewer modeled cycles than with software checks ({}; Typed Architectures reports "
          "10-11% in hardware).\n",
          100 * (1 - 1 / hw.first), 100 * (1 - 1 / hw.second),
          hw.first > 1 ? "a gain on every benchmark, below the published one"
                       : "not a gain on every benchmark");
    const auto on_four = [](const char* build) {
      return [build](const Json& r) {
        return r.value("kind", "") == "parallel" && r.value("build", "") == build &&
               number(r, "partitions") == 4;
      };
    };
    const auto sw4 = range(*rows, "modeled_speedup", on_four("software"));
    const auto hw4 = range(*rows, "modeled_speedup", on_four("hardware"));
    if (found(sw4) && found(hw4))
      s += fmt::format(
          "- **The interpreter on a multikernel** (`lisp -p`, one interpreter and heap per "
          "partition): on 4 partitions the modeled critical path is {:.2f}x-{:.2f}x shorter "
          "than on 1 with software type checks, {:.2f}x-{:.2f}x with type tags (both against "
          "the software build on 1 partition).\n",
          sw4.first, sw4.second, hw4.first, hw4.second);
  } else {
    s += "- " + not_measured(suites, "types") + "\n";
  }
  if (const Json* rows = rows_of(suites, "offload")) {
    double best = 0;
    int harts = 0;
    double one = 0;
    for (const Json& r : *rows)
      if (r.value("kind", "") == "mandel_smp_vs_multikernel" && number(r, "harts") == 1)
        one = number(r, "multikernel_wall_seconds");
    for (const Json& r : *rows)
      if (r.value("kind", "") == "mandel_smp_vs_multikernel" && one > 0) {
        const double speedup = one / number(r, "multikernel_wall_seconds");
        if (speedup > best) {
          best = speedup;
          harts = static_cast<int>(number(r, "harts"));
        }
      }
    if (best > 0)
      s += fmt::format(
          "- **Multikernel Mandelbrot**: best speedup {:.2f}x (on {} harts; this host has 2 "
          "CPUs, so beyond 2 harts they share them).\n",
          best, harts);
  }
  if (const Json* rows = rows_of(suites, "parallel")) {
    const auto boot = range(*rows, "boot_instructions",
                            [](const Json& r) { return r.value("kind", "") == "libos_boot"; });
    if (found(boot))
      s += fmt::format("- **Boot**: the library OS reaches `main` in {}-{} instructions.\n",
                       grouped(static_cast<uint64_t>(boot.first)),
                       grouped(static_cast<uint64_t>(boot.second)));
  }
  s += "\n*Limits*: speedups are bounded by the host's CPUs; type-tag speedups are modeled "
       "cycles, not host time (host time rises with tags).\n\n";
  return s;
}

}  // namespace

std::string research_answers(const nlohmann::json& suites) {
  return "\n## Answers to the research questions\n\nComputed from this run's rows (the sections "
         "below hold the tables and the commands).\n\n" +
         q1(suites) + q2(suites) + q3(suites) + q4(suites) + q5(suites) + q6(suites);
}

}  // namespace unitag::bench
