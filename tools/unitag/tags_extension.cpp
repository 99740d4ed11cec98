// `unitag run --policy ... --tagged ...`: builds the tag engine, attaches it to the tagged harts
// and adds its figures to --stats. Untagged harts get no hooks at all.
#include <fmt/format.h>

#include <sstream>

#include "machine/errors.h"
#include "tags/engine/engine.h"
#include "tags/policies/registry.h"
#include "tools/unitag/run_extension.h"

namespace unitag {
namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

class TagsExtension final : public RunExtension {
 public:
  void add_options(CLI::App& run) override {
    run.add_option("--policy", policy_,
                   "Tag policies, comma-separated (see `unitag policies`), e.g. heap,stack,cfi");
    run.add_option("--tagged", tagged_,
                   "Harts that check tags, comma-separated (default: all, with --policy)");
    run.add_option("--rule-cache", config_.cache_entries,
                   "Modeled rule-cache entries (0: ideal, unbounded)");
    run.add_option("--rule-cache-ways", config_.cache_ways, "Rule-cache associativity")
        ->check(CLI::Range(1u, 64u));
    run.add_option("--miss-cost", config_.miss_cost, "Modeled cycles per rule-cache miss");
    run.add_option("--rule-key", rule_key_,
                   "What the modeled rule cache is keyed on: canonical (default: identities "
                   "compared, one rule for all allocations) or raw (every tag combination)")
        ->check(CLI::IsMember({"canonical", "raw"}));
    run.add_option("--on-violation", on_violation_,
                   fmt::format("stop (default) or trap: deliver as exception mcause {}",
                               tags::kTagViolationCause))
        ->check(CLI::IsMember({"stop", "trap"}));
  }

  void configure(MachineConfig& config) override {
    uint64_t tagged_partitions = 0;
    for (const PartitionSpec& spec : config.partitions)
      if (spec.tagged) tagged_partitions |= spec.harts;
    if (policy_.empty()) {
      if (!tagged_.empty())
        throw UserError(exit_code::kUsage,
                        "--tagged needs --policy; e.g. --policy heap,stack --tagged 0");
      if (tagged_partitions)
        throw UserError(exit_code::kUsage,
                        "a partition marked :tagged needs --policy; e.g. --policy heap,stack");
      return;
    }
    try {
      names_ = split(policy_);
      (void)tags::make_policies(names_);
    } catch (const std::invalid_argument& e) {
      throw UserError(
          exit_code::kUsage,
          fmt::format("--policy {}: {}; run `unitag policies` for the list", policy_, e.what()));
    }
    if (names_.empty())
      throw UserError(exit_code::kUsage, "--policy: give at least one policy, e.g. --policy heap");
    mask_ = tagged_partitions;
    if (tagged_.empty() && tagged_partitions) {
      // the tagged partitions' harts only
    } else if (tagged_.empty()) {
      mask_ = config.harts == 64 ? ~uint64_t{0} : (uint64_t{1} << config.harts) - 1;
    } else {
      for (const std::string& h : split(tagged_)) {
        unsigned id = 0;
        try {
          size_t used = 0;
          id = static_cast<unsigned>(std::stoul(h, &used));
          if (used != h.size()) throw std::invalid_argument(h);
        } catch (const std::exception&) {
          throw UserError(exit_code::kUsage,
                          fmt::format("--tagged {}: '{}' is not a hart number", tagged_, h));
        }
        if (id >= config.harts)
          throw UserError(exit_code::kUsage,
                          fmt::format("--tagged {}: hart {} does not exist (--harts {})", tagged_,
                                      id, config.harts));
        mask_ |= uint64_t{1} << id;
      }
    }
    config_.trap_on_violation = on_violation_ == "trap";
    config_.canonical_rules = rule_key_ == "canonical";
    config.tagged_harts = mask_;
    config.policies = tags::policy_bits(tags::make_policies(names_));
  }

  void attach(Machine& machine, const ElfImage& image, const ElfImage* program) override {
    if (names_.empty()) return;
    for (size_t p = 0; p < machine.partitions().count(); ++p)
      if ((machine.partitions().harts(p) & mask_) && machine.partition_image(p) != &image)
        throw UserError(
            exit_code::kUsage,
            fmt::format("{} is tagged but runs {}: tagged partitions run the main "
                        "image; give {} as the image to run",
                        machine.describe_partition(p), machine.partition_image(p)->path(),
                        machine.partition_image(p)->path()));
    try {
      engine_ = std::make_unique<tags::TagEngine>(tags::make_policies(names_), config_, machine,
                                                  image, program);
    } catch (const std::invalid_argument& e) {
      throw UserError(exit_code::kUsage, fmt::format("--policy {}: {}", policy_, e.what()));
    }
    for (unsigned i = 0; i < machine.hart_count(); ++i)
      if (mask_ >> i & 1) engine_->attach(machine.hart(i));
  }

  void attach_boot(Machine& machine, const BootImages& boot) override {
    if (names_.empty()) return;
    // frame and bounds read stack and object layouts that OpenSBI and the kernel's early boot do
    // not keep; mte's pointer keys have not been tried through a Linux process's page tables.
    for (const std::string& name : names_)
      if (name == "mte" || name == "frame" || name == "bounds")
        throw UserError(exit_code::kUsage,
                        fmt::format("--policy {}: {} does not run on a firmware boot yet; rwx, "
                                    "stack and cfi check the whole system and heap its "
                                    "processes (taint, ifc, compartment and types run too); "
                                    "run the program on the library OS for {} (unitag run "
                                    "PROGRAM)",
                                    policy_, name, name));
    if (boot.kernel == nullptr)
      throw UserError(exit_code::kUsage,
                      "--policy on a firmware boot needs the kernel's ELF: add --symbols vmlinux "
                      "(beside the Image scripts/build-linux prints), and --symbols PROGRAM for "
                      "each user program whose code the policies should know");
    try {
      system_ = std::make_unique<tags::SystemLayout>(boot.firmware, *boot.kernel, boot.kernel_load,
                                                     boot.programs);
      engine_ = std::make_unique<tags::TagEngine>(tags::make_policies(names_), config_, machine,
                                                  *system_);
    } catch (const std::invalid_argument& e) {
      throw UserError(exit_code::kUsage, fmt::format("--policy {}: {}", policy_, e.what()));
    }
    for (unsigned i = 0; i < machine.hart_count(); ++i)
      if (mask_ >> i & 1) engine_->attach(machine.hart(i));
  }

  void finish(Machine&, const RunResult&, nlohmann::json& stats) override {
    if (engine_) stats["tags"] = engine_->stats();
  }
  // The engine observes the machine (host writes and reads) and is the harts' hooks.
  void detach(Machine& machine) override {
    if (!engine_) return;
    for (unsigned i = 0; i < machine.hart_count(); ++i) machine.hart(i).set_hooks(nullptr);
    engine_.reset();
    system_.reset();
  }

 private:
  std::string policy_, tagged_, on_violation_ = "stop", rule_key_ = "canonical";
  std::vector<std::string> names_;
  uint64_t mask_ = 0;
  tags::EngineConfig config_;
  std::unique_ptr<tags::SystemLayout> system_;  // a firmware boot's images (outlives engine_)
  std::unique_ptr<tags::TagEngine> engine_;
};

}  // namespace

std::unique_ptr<RunExtension> make_tags_extension() { return std::make_unique<TagsExtension>(); }

}  // namespace unitag
