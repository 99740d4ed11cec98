// A feature that plugs into `unitag run` (semihosting, tag policies, the gdb stub, traces):
// it adds its own flags, adjusts the machine configuration, attaches to the loaded machine, and
// adds to the statistics. Each feature is one class; run_extensions.cpp lists them all.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "machine/machine.h"

namespace unitag {

// The ELF files of a firmware boot (--firmware, --symbols): what the tag engine and reports
// know of the code that runs. The kernel is raw in RAM at `kernel_load`; its ELF is vmlinux.
struct BootImages {
  const ElfImage* firmware = nullptr;  // nullptr: a raw firmware
  const ElfImage* kernel = nullptr;    // nullptr: no --symbols vmlinux
  uint64_t kernel_load = 0;
  std::vector<const ElfImage*> programs;  // user programs the initramfs runs
};

class RunExtension {
 public:
  virtual ~RunExtension() = default;
  // Register flags on the `run` subcommand.
  virtual void add_options(CLI::App& run) = 0;
  // Before the machine is built. Throw UserError for inconsistent flags.
  virtual void configure(MachineConfig& config) {}
  // After the image is loaded, before the first instruction. `program`: the Linux program the
  // image (the personality) runs, or nullptr.
  virtual void attach(Machine& machine, const ElfImage& image, const ElfImage* program) {}
  // The same, for a firmware boot (the harts are at the firmware's entry).
  virtual void attach_boot(Machine& machine, const BootImages& images) {}
  // The machine's run; an extension that must drive execution itself (a debugger) returns a
  // result here, otherwise nullopt and Machine::run() is used. The first extension to answer wins.
  virtual std::optional<RunResult> run(Machine& machine) { return std::nullopt; }
  // After the run: add fields to the --stats JSON, print summaries to stderr.
  virtual void finish(Machine& machine, const RunResult& result, nlohmann::json& stats) {}
  // Before the machine is destroyed (also when the run ends with an error): drop everything that
  // refers to it, since extensions outlive the run.
  virtual void detach(Machine& machine) {}
};

// Every extension, in the order they attach.
std::vector<std::unique_ptr<RunExtension>> make_run_extensions();

}  // namespace unitag
