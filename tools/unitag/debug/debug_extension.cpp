#include "tools/unitag/debug/debug_extension.h"

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "machine/errors.h"
#include "machine/hart/hook_chain.h"
#include "tools/unitag/debug/debug_hooks.h"
#include "tools/unitag/debug/gdb_server.h"
#include "tools/unitag/debug/tracer.h"

namespace unitag {
namespace {

class DebugExtension final : public RunExtension {
 public:
  void add_options(CLI::App& run) override {
    run.add_option("--gdb", gdb_.port,
                   "Serve the GDB remote protocol on 127.0.0.1:PORT (0: any free port, printed on "
                   "stderr); implies --deterministic")
        ->check(CLI::Range(0, 65535));
    run.add_flag("--gdb-wait", gdb_.wait,
                 "With --gdb: wait for the debugger before the first instruction");
    run.add_option("--trace", trace_path_, "Write an instruction trace to FILE (- for stderr)");
    run.add_option("--trace-range", trace_ranges_,
                   "Trace only PCs in [LO, HI), e.g. 0x80000000:0x80000100 "
                   "(repeatable)");
    run.add_option("--trace-symbol", trace_symbols_,
                   "Trace only inside function NAME (repeatable)");
    run.add_option("--trace-limit", trace_limit_, "Stop tracing after N lines");
  }

  void configure(MachineConfig& config) override {
    if (gdb_.wait && gdb_.port < 0)
      throw UserError(exit_code::kUsage, "--gdb-wait needs --gdb PORT");
    if (trace_path_.empty() && (!trace_ranges_.empty() || !trace_symbols_.empty() || trace_limit_))
      throw UserError(exit_code::kUsage,
                      "--trace-range, --trace-symbol and --trace-limit need --trace FILE");
    // The stub drives the harts itself, one turn at a time, so runs under gdb are reproducible.
    if (gdb_.port >= 0) config.deterministic = true;
  }

  void attach(Machine& machine, const ElfImage& image, const ElfImage*) override {
    if (!trace_path_.empty()) {
      TraceOptions options;
      options.limit = trace_limit_;
      for (const std::string& r : trace_ranges_) options.ranges.push_back(parse_trace_range(r));
      for (const std::string& s : trace_symbols_)
        options.ranges.push_back(symbol_trace_range(image, s));
      if (trace_path_ == "-") {
        trace_file_ = stderr;
      } else {
        trace_file_ = std::fopen(trace_path_.c_str(), "w");
        if (!trace_file_)
          throw UserError(exit_code::kNoInput,
                          fmt::format("--trace {}: cannot open for writing", trace_path_));
      }
      trace_options_ = std::move(options);
    }
    if (gdb_.port >= 0) {
      debug_hooks_ = std::make_unique<DebugHooks>(machine, machine.hart_count());
    }
  }

  std::optional<RunResult> run(Machine& machine) override {
    // Every other extension has attached by now: wrap the hooks they installed.
    std::vector<ExecutionHooks*> original(machine.hart_count());
    for (unsigned h = 0; h < machine.hart_count(); ++h) original[h] = machine.hart(h).hooks();
    if (trace_file_) {
      std::vector<const ExecutionHooks*> describers(original.begin(), original.end());
      tracer_ = std::make_unique<Tracer>(trace_file_, machine, trace_options_, describers);
    }
    for (unsigned h = 0; h < machine.hart_count(); ++h) {
      ExecutionHooks* hooks = original[h];
      if (tracer_) hooks = hooks ? chain(*hooks, *tracer_) : tracer_.get();
      if (debug_hooks_) hooks = hooks ? chain(*debug_hooks_, *hooks) : debug_hooks_.get();
      machine.hart(h).set_hooks(hooks);
    }
    if (!debug_hooks_) return std::nullopt;
    GdbServer server(machine, gdb_, *debug_hooks_, original);
    server.listen();
    gdb_port_ = server.port();
    return server.run();
  }

  void finish(Machine& machine, const RunResult& result, nlohmann::json& stats) override {
    if (tracer_) {
      std::vector<Hart*> harts;
      for (unsigned h = 0; h < machine.hart_count(); ++h) harts.push_back(&machine.hart(h));
      if (result.reason == StopReason::kTagViolation)
        tracer_->finish(harts, result.hart, result.pc, "tag violation: " + result.message);
      else
        tracer_->finish(harts, -1, 0, "");
      stats["trace"] = {{"file", trace_path_}, {"lines", tracer_->lines()}};
    }
    if (trace_file_ && trace_file_ != stderr) std::fclose(trace_file_);
    trace_file_ = nullptr;
    if (debug_hooks_) stats["gdb"] = {{"port", gdb_port_}};
  }

 private:
  ExecutionHooks* chain(ExecutionHooks& first, ExecutionHooks& second) {
    chains_.push_back(std::make_unique<HookChain>(first, second));
    return chains_.back().get();
  }

  GdbOptions gdb_;
  int gdb_port_ = 0;
  std::string trace_path_;
  std::vector<std::string> trace_ranges_, trace_symbols_;
  uint64_t trace_limit_ = 0;
  TraceOptions trace_options_;
  std::FILE* trace_file_ = nullptr;
  std::unique_ptr<Tracer> tracer_;
  std::unique_ptr<DebugHooks> debug_hooks_;
  std::vector<std::unique_ptr<HookChain>> chains_;
};

}  // namespace

std::unique_ptr<RunExtension> make_debug_extension() { return std::make_unique<DebugExtension>(); }

}  // namespace unitag
