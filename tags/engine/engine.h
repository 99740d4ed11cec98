// The tag engine: composes policies, tags the image at load, and attaches a HartTagger (the
// ExecutionHooks of one tagged hart) to each tagged hart. Rule lookup has three levels: the
// hart's modeled rule cache (hardware figures), then this engine's unbounded memo of every rule
// computed so far, then the policies themselves. Violations are reported here, and host writes
// into guest memory (Machine::host_wrote) reach the policies here.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "abi/unitag/tag_contract.h"
#include "machine/machine.h"
#include "tags/engine/canonical_rules.h"
#include "tags/engine/image_facts.h"
#include "tags/engine/policy.h"
#include "tags/engine/rule_cache.h"
#include "tags/engine/system_layout.h"
#include "tags/report/source_lines.h"
#include "tags/store/shadow_memory.h"
#include "tags/store/tag_table.h"
#include "tags/store/zeroed_pages.h"

namespace unitag::tags {

class HartTagger;

struct EngineConfig {
  unsigned cache_entries = 1024;  // 0: ideal (unbounded) rule cache
  unsigned cache_ways = 4;
  unsigned miss_cost = 30;         // modeled cycles per rule-cache miss
  bool trap_on_violation = false;  // deliver violations to the guest instead of stopping
  // Key the modeled cache on canonical rules (identities compared, not enumerated:
  // canonical_rules.h) rather than on raw tags.
  bool canonical_rules = true;
};

// mcause a violation is delivered with under --on-violation=trap; guests see the same number.
inline constexpr uint64_t kTagViolationCause = UNITAG_TAG_VIOLATION_CAUSE;

// One bound-function entry point: which member policies bind it (bit m: member m; several
// allocator policies compose, each applying the call's effect to its own tags), under which name.
struct BoundEntry {
  uint32_t members;
  std::string name;
};

struct Violation {
  unsigned hart;
  uint64_t pc;
  std::string policy, rule, kind, report;
};

class TagEngine final : public HostWriteObserver, public HostReadObserver {
 public:
  // `program`: the Linux program the image (the personality) runs, whose words are tagged when
  // the personality maps them (tag_program_page).
  TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config, Machine& machine,
            const ElfImage& image, const ElfImage* program = nullptr);
  // A firmware boot: the firmware, the kernel, its vDSO and the user programs, as `system`
  // places them (it must outlive the engine).
  TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config, Machine& machine,
            const SystemLayout& system);
  ~TagEngine() override;

  // Makes `hart` a tagged hart (its hooks run the checked loop).
  void attach(Hart& hart);
  // --stats: the composite figures and each member's.
  nlohmann::json stats() const;
  // The words the host wrote get each member's "written by the host" metadata: 0 (untagged data)
  // for a member not subscribed to HostWrite, whatever the member sets for one that is.
  void on_host_write(uint64_t addr, uint64_t size, HostWriteSource source) override;
  // Members subscribed to HostRead may refuse: the run stops with a violation report.
  bool on_host_read(Hart& hart, uint64_t pc, uint64_t addr, uint64_t size,
                    HostReadSink sink) override;

  // --- for HartTagger ------------------------------------------------------------------------
  size_t member_count() const { return policies_.size(); }
  Policy& policy(size_t m) { return *policies_[m]; }
  const Policy& policy(size_t m) const { return *policies_[m]; }
  TagTable& table() { return table_; }
  ShadowMemory& shadow() { return shadow_; }
  const ImageFacts& facts() const { return facts_; }
  const EngineConfig& config() const { return config_; }
  Machine& machine() { return machine_; }
  const SourceLines& lines() const { return lines_; }
  // tag.image: the program's words at virtual [va, va+size) now live at physical pa; gives them
  // every member's load-time tags. Returns the words tagged (the caller models the cost).
  uint64_t tag_program_page(uint64_t va, uint64_t pa, uint64_t size);
  // Union over members of the inputs read for (op, pc tag is default).
  unsigned mask(OpGroup op, bool pc_default) const {
    return masks_[static_cast<size_t>(op)][pc_default];
  }
  // The instruction tag and its per-(pc default) projections, for the instruction at `at` (the
  // facts' address: code_address).
  Tag code_tag(uint64_t at);
  // The facts' address of the instruction `hart` fetches at pc from physical address `paddr`:
  // pc itself, except on a firmware boot (SystemLayout::fact_address).
  uint64_t code_address(const Hart& hart, uint64_t pc, uint64_t paddr) const {
    return system_ ? system_->fact_address(hart.priv == Priv::U, pc, paddr, machine_.bus()) : pc;
  }
  // TagAccess::address_space for `hart`: its satp on a firmware boot, else 0.
  uint64_t address_space(const Hart& hart) const { return system_ ? hart.satp : 0; }
  // For reports: where the instruction at pc, in `hart`'s current address space, is.
  std::string where(Hart& hart, uint64_t pc) const;
  Tag project(Tag t, OpGroup op, bool pc_default, unsigned input);
  // The members subscribed to events of type E, in member order.
  template <typename E>
  const std::vector<uint8_t>& subscribers() const {
    return subscribers_[event_index<E>()];
  }
  // Whether some member tracks writes to sp (subscribes to StackPointerWrite).
  bool watches_stack_pointer() const { return !subscribers<StackPointerWrite>().empty(); }
  // TagAccess::update_range and copy_values on member m's metadata (the caller models the
  // cost): returns the number of words touched.
  uint64_t update_range(size_t m, uint64_t base, uint64_t size, Meta (*f)(Meta, Meta), Meta arg);
  uint64_t copy_values(size_t m, uint64_t from, uint64_t to, uint64_t size,
                       Meta (*merge)(Meta dst, Meta src));
  // A bound call whose hart trapped into a more privileged mode (glibc's malloc making a system
  // call into the Linux personality): the handler runs checked, and the call waits here, keyed
  // by the sp it trapped with, until a return to its mode with that sp (on any hart) resumes it.
  struct ParkedCall {
    BoundCall call;
    std::string name;
    uint32_t members = 0;
    uint64_t return_pc = 0, sp = 0;  // the call's return address and sp at entry
    uint64_t trap_sp = 0;            // sp when it trapped: what the handler returns with
    uint8_t priv = 0;
  };
  // Whether bound calls may trap (a Linux program's allocator is bound): then xRETs are
  // special, and bound calls run on the interpreter, which sees the trap.
  bool parks_bound_calls() const { return facts_.program() != nullptr && !bound_.empty(); }
  void park_bound_call(ParkedCall call);
  // Held while a bound call's entry or return events run: what one hart's free does to a
  // block's tags and what another hart's malloc, handed the same block meanwhile, does to them
  // happen one after the other, never interleaved word by word.
  std::unique_lock<std::mutex> lock_allocator_effects() {
    return std::unique_lock<std::mutex>(allocator_effects_mu_);
  }
  bool resume_bound_call(uint64_t sp, uint8_t priv, ParkedCall& out);
  const BoundEntry* bound_at(uint64_t pc) const {
    auto it = bound_.find(pc);
    return it == bound_.end() ? nullptr : &it->second;
  }
  // Levels 2 and 3 of rule lookup. Thread-safe.
  RuleResult evaluate(const RuleKey& key);
  uint16_t denial_index(uint8_t member, const Denial& d);
  const Denial& denial(uint16_t index) const;
  // "heap: pointer to allocation #3; cfi: -" (or "default").
  std::string describe(Tag t, Site site) const;
  // Keeps the first kKeptViolations (monitor `violations`), counts them all: a guest that traps
  // on violations in a loop (--on-violation trap) costs no host memory. Returns how many there
  // have been, this one included.
  static constexpr size_t kKeptViolations = 1000;
  uint64_t record_violation(Violation v);
  std::vector<Violation> violations() const;
  // Whether the next violation's report will be kept or shown: a run that stops shows it; one
  // delivering violations to the guest keeps only the first ones, so past them a report (about
  // 30 allocations of formatting) is not worth building.
  bool wants_report() const;

 private:
  TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config, Machine& machine,
            std::vector<PlacedImage> images, const SystemLayout* system);
  void tag_image();
  // A rule key's tag tuples, and member m's projected inputs from them.
  struct KeyTuples {
    const TagTuple &pc, &ci, &rs1, &rs2, &rs3, &mem;
  };
  KeyTuples tuples_of(const RuleKey& key) const;
  RuleInputs member_inputs(const RuleKey& key, const KeyTuples& t, size_t m) const;
  void tag_devices();

  std::vector<std::unique_ptr<Policy>> policies_;
  EngineConfig config_;
  Machine& machine_;
  const SystemLayout* system_ = nullptr;
  ImageFacts facts_;
  SourceLines lines_;
  // Per member: its load-time ranges inside the program (tagged by tag_program_page).
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> program_ranges_;
  TagTable table_;
  ShadowMemory shadow_;
  std::array<std::array<unsigned, 2>, static_cast<size_t>(OpGroup::kCount)> masks_{};
  std::unordered_map<uint64_t, BoundEntry> bound_;
  std::unordered_map<uint64_t, ParkedCall> parked_;  // by sp; under mu_
  std::array<std::vector<uint8_t>, std::variant_size_v<Event>> subscribers_;
  std::vector<std::unique_ptr<HartTagger>> harts_;

  std::mutex allocator_effects_mu_;
  mutable std::mutex mu_;  // guards everything below
  // Every distinct concrete rule met, never erased (tens of thousands where allocations are
  // coloured): its nodes come from an arena, as one malloc per rule was a tenth of such a run.
  GrowOnlyArena memo_arena_;
  std::pmr::unordered_map<RuleKey, RuleResult, RuleKeyHash> memo_{&memo_arena_};
  std::unique_ptr<CanonicalRules> canonical_;
  std::unordered_map<uint64_t, Tag> code_tags_;
  std::vector<std::pair<uint8_t, const Denial*>> denials_;
  std::vector<uint64_t> evaluations_;  // per member
  uint64_t memo_hits_ = 0;
  std::vector<Violation> violations_;
  uint64_t violation_count_ = 0;
};

}  // namespace unitag::tags
