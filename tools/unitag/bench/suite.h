// What every `unitag bench` suite shares: where the build is, how to run a guest image and read
// its --stats, the planned steps the progress line counts, and a suite's output (JSON rows,
// Markdown, plot specs for bench/plot.py). The suites themselves are the *_suite.cpp files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tools/unitag/bench/process.h"

namespace unitag::bench {

struct BenchContext {
  std::string unitag;      // the unitag binary running the bench
  std::string build_dir;   // holds guest/*.elf and the CTest files
  std::string source_dir;  // the checkout (tests/juliet, bench/plot.py)
  std::string out_dir;
  std::string scratch_dir;  // child output, --stats files
  std::string python;
  bool quick = false;
  std::string guest(const std::string& image) const;
  // A path as the reader should type it: relative to the checkout when inside it.
  std::string shown(const std::string& path) const;
  std::string shown(const std::vector<std::string>& argv) const;
};

struct GuestRun {
  ProcessResult process;
  nlohmann::json stats = nlohmann::json::object();  // what --stats wrote (empty if nothing)
  std::vector<std::string> argv;
  uint64_t instructions() const;
  double guest_cpu_seconds() const;  // summed over harts: host CPU time inside the run loops
  uint64_t modeled_cycles() const;   // summed over harts
  // The busiest hart's modeled cycles: a run's modeled time when its harts work side by side.
  uint64_t busiest_hart_cycles() const;
  std::string output_line(std::string_view prefix) const;  // first guest stdout line with prefix
  // The number `format` (sscanf, one %llu) reads after `prefix` on that line; throws, naming
  // the command, when there is no such line or number.
  uint64_t number_after(std::string_view prefix, const char* format = "%llu") const;
};

// `unitag run --stats FILE ARGS... [-- GUEST_ARGS...]`: ARGS name what runs (an image, or
// --firmware ...) and the flags.
GuestRun run_unitag(const BenchContext& ctx, const std::vector<std::string>& args,
                    const std::vector<std::string>& guest_args = {}, double timeout_seconds = 600);
// A run that did not exit 0 is an error naming the command; else the run.
GuestRun require_exit_0(const BenchContext& ctx, GuestRun run);
// `unitag run IMAGE FLAGS... --stats FILE [-- GUEST_ARGS...]`, IMAGE from the build's guest/.
GuestRun run_guest(const BenchContext& ctx, const std::string& image,
                   std::vector<std::string> flags, const std::vector<std::string>& guest_args = {},
                   double timeout_seconds = 600);
// Like run_guest, but a run that does not exit 0 is an error naming the command.
GuestRun run_guest_ok(const BenchContext& ctx, const std::string& image,
                      std::vector<std::string> flags,
                      const std::vector<std::string>& guest_args = {});

struct Step {
  std::string label;
  std::function<void()> run;
};

struct SuiteOutput {
  nlohmann::json rows = nlohmann::json::array();   // one object per measured row
  nlohmann::json plots = nlohmann::json::array();  // specs bench/plot.py draws
  std::string markdown;                            // tables, each with its command
  std::string skipped;  // nonzero: why the suite could not measure here (what to do about it)
};

class Suite {
 public:
  virtual ~Suite() = default;
  // Every run the suite will make, in order, so the progress line can say what is left.
  virtual std::vector<Step> plan(const BenchContext& ctx) = 0;
  // After the steps ran: the rows, tables and plots.
  virtual SuiteOutput finish(const BenchContext& ctx) = 0;
};

struct SuiteInfo {
  std::string name;
  std::string summary;
  int pending_issue = 0;  // nonzero: the feature lands with this issue; the suite is a placeholder
  std::function<std::unique_ptr<Suite>()> make;
};
const std::vector<SuiteInfo>& all_suites();

std::unique_ptr<Suite> make_machine_suite();
std::unique_ptr<Suite> make_policies_suite();
std::unique_ptr<Suite> make_cache_suite();
std::unique_ptr<Suite> make_composite_suite();
std::unique_ptr<Suite> make_enclave_suite();
std::unique_ptr<Suite> make_parallel_suite();
std::unique_ptr<Suite> make_kernel_suite();
std::unique_ptr<Suite> make_security_suite();
std::unique_ptr<Suite> make_offload_suite();
std::unique_ptr<Suite> make_types_suite();
std::unique_ptr<Suite> make_monolithic_suite();
std::unique_ptr<Suite> make_rules_suite();
// The rules suite's composite (question 3's answer reads its rows by it).
inline constexpr const char* kRulesComposite = "rwx,heap,stack,cfi,frame";

// The first line of `text` that starts with `prefix` (empty if none).
std::string line_starting(const std::string& text, std::string_view prefix);
// `--harts N --partition 0 ... --partition N-1`: a multikernel of one-hart partitions.
std::vector<std::string> one_partition_per_hart(unsigned harts);

// Markdown helpers.
std::string markdown_table(const std::vector<std::string>& headers,
                           const std::vector<std::vector<std::string>>& rows);
std::string grouped(uint64_t n);                     // 1234567 -> "1,234,567"
std::string fixed(double v, int decimals);           // "3.14"
std::string percent(double fraction, int decimals);  // 0.0123 -> "1.23%"

// Keeps the least host time of interleaved rounds (the host is shared: the minimum is the run
// least disturbed); 0 means nothing kept yet.
inline void keep_min(double& best, double v) {
  if (best == 0 || v < best) best = v;
}

// Tag policies the policy, cache and security suites measure, composites last.
inline const std::vector<std::string> kPolicies = {
    "rwx", "heap", "stack", "cfi", "frame", "rwx,heap,stack,cfi", "rwx,heap,stack,cfi,frame"};

}  // namespace unitag::bench
