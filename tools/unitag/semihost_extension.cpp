#include "tools/unitag/semihost_extension.h"

#include <fmt/format.h>

#include "machine/errors.h"
#include "machine/semihost/semihost.h"

namespace unitag {
namespace {

class SemihostExtension final : public RunExtension {
 public:
  void add_options(CLI::App& run) override {
    run.add_flag("--semihost", config_.enabled,
                 "Serve RISC-V semihosting calls (picolibc --oslib=semihost programs)");
    root_option_ = run.add_option("--semihost-root", config_.root,
                                  "Directory the guest's files are confined to (default: .)");
    write_option_ =
        run.add_flag("--semihost-write", config_.allow_write,
                     "Let the guest create, write, remove and rename files in the root");
  }

  void configure(MachineConfig&) override {
    if (config_.enabled) return;
    const CLI::Option* given = root_option_->count()    ? root_option_
                               : write_option_->count() ? write_option_
                                                        : nullptr;
    if (given)
      throw UserError(
          exit_code::kUsage,
          fmt::format("{} needs --semihost (semihosting is off without it)", given->get_name()));
  }

  // Always attached: without --semihost it still turns a semihosting call into a clear stop.
  void attach(Machine& machine, const ElfImage& image, const ElfImage*) override {
    SemihostConfig config = config_;
    // As QEMU builds it: the image name as given, then the guest arguments, space-separated.
    config.command_line = image.path();
    for (const std::string& arg : machine.config().guest_args) config.command_line += " " + arg;
    semihost_ = std::make_unique<Semihost>(machine, image, config);
    semihost_->attach();
  }

  void finish(Machine&, const RunResult&, nlohmann::json& stats) override {
    if (!semihost_ || semihost_->calls() == 0) return;
    nlohmann::json j;
    j["enabled"] = config_.enabled;
    j["calls"] = semihost_->calls();
    nlohmann::json by_op = nlohmann::json::object();
    const auto& counts = semihost_->calls_by_op();
    for (uint64_t op = 0; op < counts.size(); ++op) {
      if (!counts[op]) continue;
      const char* name = semihost_op_name(op);
      by_op[name ? name : "unknown"] = counts[op];
    }
    j["by_operation"] = by_op;
    stats["semihost"] = j;
  }

 private:
  SemihostConfig config_;
  CLI::Option* root_option_ = nullptr;
  CLI::Option* write_option_ = nullptr;
  std::unique_ptr<Semihost> semihost_;
};

}  // namespace

std::unique_ptr<RunExtension> make_semihost_extension() {
  return std::make_unique<SemihostExtension>();
}

}  // namespace unitag
