// `security`: every attack program of tests/tags/guest under every policy -> caught or missed,
// checked against the matrix the tag tests assert (read from CTest, so the two cannot drift),
// and in full runs the attack matrix (tests/attacks/matrix.py: RIPE-style hijacks and the
// single-purpose attacks under every policy, checked against its expected.txt) and the
// Juliet-style heap corpus through tests/juliet/summary.py.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

const std::vector<std::string> kAttacks = {
    "heap_overflow",      "heap_underflow",    "heap_uaf",           "heap_double_free",
    "heap_free_interior", "heap_free_nonheap", "heap_realloc_stale", "heap_sub_underflow",
    "heap_fp_launder",    "tag_forgery",       "tag_allocator",      "stack_smash",
    "frame_overflow",     "frame_dangling",    "frame_read",         "cfi_call",
    "cfi_return",         "cfi_jump",          "rwx_write_code",     "rwx_exec_data"};

std::string after(const std::string& text, const std::string& key) {
  const size_t at = text.find(key);
  if (at == std::string::npos) return {};
  const size_t end = text.find('\n', at);
  return text.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
}

// (image, policy) pairs some tags.* test expects to stop with a tag violation (exit 122).
std::set<std::pair<std::string, std::string>> expected_catches(const BenchContext& ctx) {
  const ProcessResult r =
      run_process({"ctest", "--test-dir", ctx.build_dir, "--show-only=json-v1", "-R", "^tags\\."},
                  ctx.scratch_dir, 60);
  std::set<std::pair<std::string, std::string>> expected;
  if (r.exit_code != 0) return expected;
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  if (doc.is_discarded() || !doc.contains("tests")) return expected;
  for (const auto& test : doc["tests"]) {
    std::string image, args;
    bool violation = false;
    for (const auto& part : test.value("command", nlohmann::json::array())) {
      const std::string s = part.get<std::string>();
      if (s.rfind("-DIMAGE=", 0) == 0) image = s.substr(s.rfind('/') + 1);
      if (s.rfind("-DARGS=", 0) == 0) args = s.substr(7) + ";";
      if (s == "-DEXPECT_EXIT=122") violation = true;
    }
    const size_t policy_at = args.find("--policy;");
    if (!violation || policy_at == std::string::npos || image.size() < 9) continue;
    const size_t from = policy_at + 9;
    const std::string policy = args.substr(from, args.find(';', from) - from);
    expected.insert({image.substr(5, image.size() - 9), policy});  // tags_NAME.elf -> NAME
  }
  return expected;
}

class SecuritySuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    std::vector<Step> steps;
    steps.push_back({"reading the expected matrix from CTest",
                     [this, &ctx] { expected_ = expected_catches(ctx); }});
    for (const std::string& attack : kAttacks)
      for (const std::string& p : kPolicies)
        steps.push_back({fmt::format("{} --policy {}", attack, p), [this, &ctx, attack, p] {
                           runs_[{attack, p}] = run_guest(
                               ctx, "tags_" + attack, {"--deterministic", "--policy", p}, {}, 60);
                         }});
    if (!ctx.quick)
      for (ScriptRun& script : scripts_)
        steps.push_back({script.step, [&script, &ctx] {
                           std::vector<std::string> argv = {
                               ctx.python, ctx.source_dir + "/" + script.path, ctx.build_dir};
                           argv.insert(argv.end(), script.extra.begin(), script.extra.end());
                           script.result = run_process(argv, ctx.scratch_dir, 1800);
                           script.command = ctx.shown(argv);
                         }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::string> headers = {"attack"};
    for (const std::string& p : kPolicies) headers.push_back(p);
    std::vector<std::vector<std::string>> cells;
    unsigned asserted = 0, asserted_caught = 0;
    std::vector<std::string> surprises;
    for (const std::string& attack : kAttacks) {
      std::vector<std::string> row = {attack};
      for (const std::string& p : kPolicies) {
        const GuestRun& r = runs_[{attack, p}];
        const bool caught = r.process.exit_code == 122;
        const std::string kind = caught ? after(r.process.err, "tag violation: ") : "";
        const bool expect = expected_.count({attack, p}) > 0;
        std::string outcome = caught ? "caught" : "missed";
        if (!caught && r.process.exit_code != 0)
          outcome = fmt::format("missed (exit {})", r.process.exit_code);
        o.rows.push_back({{"attack", attack},
                          {"policy", p},
                          {"caught", caught},
                          {"violation", kind},
                          {"exit_code", r.process.exit_code},
                          {"expected", expect ? "caught" : "not asserted"},
                          {"command", ctx.shown(r.argv)}});
        asserted += expect;
        asserted_caught += expect && caught;
        if (expect && !caught) surprises.push_back(fmt::format("{} under {}", attack, p));
        row.push_back(caught ? kind : (expect ? "**" + outcome + " (expected caught)**" : "-"));
      }
      cells.push_back(row);
    }
    o.markdown = fmt::format(
        "Each attack program (`tests/tags/guest`) under each policy, deterministic; a cell names "
        "the violation reported (exit 122), `-` where the program was not stopped. Expected: "
        "the (program, policy) pairs a `tags.*` CTest asserts are caught (`ctest --test-dir "
        "build --show-only=json-v1 -R '^tags\\.'`). **{}/{} asserted catches reproduced**{}. A "
        "cell: `{}`.\n\n",
        asserted_caught, asserted,
        surprises.empty() ? "" : "; missed: " + fmt::format("{}", fmt::join(surprises, ", ")),
        ctx.shown(runs_[{kAttacks[0], "heap"}].argv));
    o.markdown += markdown_table(headers, cells);
    for (const ScriptRun& script : scripts_) {
      nlohmann::json row = {{"kind", script.kind}};
      if (ctx.quick) {
        row["status"] = "skipped in --quick";
        o.markdown += fmt::format("\n{}: skipped in `--quick` (run without it).\n", script.step);
      } else {
        const ProcessResult& r = script.result;
        row["status"] = r.exit_code == 0 ? "ok" : fmt::format("exit {}", r.exit_code);
        row["summary"] = after(r.out, script.summary_after);
        // The table's header names the summary's cells (the first Markdown table line).
        if (const std::string header = line_starting(r.out, "| "); !header.empty())
          row["columns"] = header.substr(2);
        row["command"] = script.command;
        o.markdown += fmt::format("\n{} (`{}`; exit {}: {}):\n\n{}", script.step, script.command,
                                  r.exit_code, script.meaning, r.out);
      }
      o.rows.push_back(row);
    }
    return o;
  }

 private:
  std::set<std::pair<std::string, std::string>> expected_;
  std::map<std::pair<std::string, std::string>, GuestRun> runs_;
  // Scripts of the repository run in full (not --quick) runs, their output in the report.
  struct ScriptRun {
    const char* step;  // the progress line and the report's heading
    const char* kind;  // the results.json row
    const char* path;  // under the source tree; gets the build directory
    std::vector<std::string> extra;
    const char* meaning;        // what its exit code says
    const char* summary_after;  // results.json "summary": the rest of the line after this
    ProcessResult result;
    std::string command;
  };
  std::vector<ScriptRun> scripts_ = {
      {"Attack matrix: 75 RIPE-style hijacks and 15 single-purpose attacks under each policy",
       "attack_matrix",
       "tests/attacks/matrix.py",
       {"--markdown"},
       "0 = every cell as tests/attacks/expected.txt says and every benign twin clean; a cell "
       "names the violation, `fault` where the corrupted program faulted or spun without a "
       "policy stopping it, `–` where the attack succeeded; docs/security.md explains it",
       "| **caught** | ",
       {},
       {}},
      {"Juliet-style heap corpus",
       "juliet",
       "tests/juliet/summary.py",
       {},
       "0 = every case as expected",
       "| **all** | ",
       {},
       {}}};
};

}  // namespace

std::unique_ptr<Suite> make_security_suite() { return std::make_unique<SecuritySuite>(); }

}  // namespace unitag::bench
