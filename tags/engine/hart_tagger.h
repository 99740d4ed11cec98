// The ExecutionHooks of one tagged hart: its register and PC tags, its modeled rule cache, and
// the per-instruction check. DecodedInsn::tag holds an index into this hart's table of code
// entries, one per instruction address (opgroup + instruction tag + its masked forms + the last
// rule it used), filled once per decode, so the check itself never looks up code tags.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "machine/hart/hart.h"
#include "tags/engine/engine.h"

namespace unitag::tags {

class HartTagger final : public ExecutionHooks {
 public:
  HartTagger(TagEngine& engine, Hart& hart);

  bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) override;
  void on_decode(Hart& hart, DecodedInsn& insn, uint64_t pc) override;
  void on_trap(Hart& hart, uint64_t cause, uint64_t epc) override;
  std::string describe_last(const Hart& hart) const override;
  std::string monitor(Hart& hart, const std::string& command) override;
  uint64_t memory_tag(uint64_t addr) const override;
  bool uses_host_fp() const override { return false; }
  bool has_own_loop() const override { return true; }
  uint64_t execute(Hart& hart, uint64_t budget) override;

  // The check itself (before_instruction without the virtual call), inlined into execute().
  bool check(Hart& hart, const DecodedInsn& insn, uint64_t pc);

  const RuleCache& cache() const { return cache_; }
  // Modeled rule-cache hits: those the cache model counted, plus every checked instruction
  // that reused its entry's last rule (the per-instruction path counts nothing itself).
  uint64_t cache_hits() const { return cache_.hits + (checked_ - lookups_); }
  uint64_t checked() const { return checked_; }
  uint64_t trusted() const { return trusted_; }
  uint64_t tag_op_cycles() const { return tag_op_cycles_; }
  Hart& hart() { return hart_; }

  // Tag state, for TagAccess and the monitor.
  // One file, so a code entry names each operand of its instruction (or the constant zero when
  // the rule key leaves it out, or a discard slot when nothing is written) by a slot number.
  static constexpr uint8_t kFBase = 33, kPcSlot = 65, kZeroSlot = 66, kDiscardSlot = 67;
  Tag tag_file[68] = {};
  Tag* const xtag = tag_file;  // x[32] is the sink for x0 writes
  Tag* const ftag = tag_file + kFBase;
  Tag& pctag = tag_file[kPcSlot];

 private:
  struct CodeEntry {
    OpGroup op;
    bool memory;      // reads or writes a memory word
    bool writes_rd;   // an integer rd
    bool writes_frd;  // an FP rd
    bool writes_memory;
    bool special;    // tag instruction, bound-function entry or watched sp write: more to do after
    bool writes_sp;  // writes sp and a member watches it (Policy::watches_stack_pointer)
    int16_t bound = -1;  // >= 0: entry of a bound function (value unused beyond the flag)
    Tag ci;              // the full instruction tag
    Tag ci_key[2];       // projected for the rule key: [pc tag is default]
    unsigned mask[2];    // inputs the key holds: [pc tag is default]
    // tag_file slots of the key's pc, rs1 and rs2 tags (kZeroSlot when the key leaves them
    // out), [pc tag is default]; and of the rd tag the rule writes (kDiscardSlot: none).
    uint8_t pc_slot[2], rs1_slot[2], rs2_slot[2];
    uint8_t rd_slot;
    // The last rule this instruction used, and the cache epoch it was looked up in: when the
    // same key comes again and nothing was inserted since, the modeled cache still holds it.
    RuleKey last_key;
    RuleResult last_result;
    uint64_t epoch = ~uint64_t{0};
  };
  class Access;

  // Inside a bound call: false while the call runs (a trusted instruction); true once pc is its
  // return, after applying the call's effects, so the instruction is checked as usual.
  [[gnu::noinline]] bool leave_bound(Hart& hart, uint64_t pc);
  // A rule denied the instruction at pc.
  [[gnu::noinline]] bool deny(const RuleResult& r, const DecodedInsn& d, uint64_t pc, bool has_addr,
                              uint64_t addr);
  // The rule for `c`'s current key when it differs from the entry's last one: the modeled
  // cache, then the memo, then the policies. Out of line to keep the per-instruction path small.
  [[gnu::noinline]] const RuleResult* lookup_rule(Hart& hart, CodeEntry& c, const RuleKey& k);
  // A bound call or tag instruction was refused; `where` is the code to blame (the call site).
  bool deny_call(uint8_t member, const Denial& d, uint64_t where, uint64_t pc);
  [[gnu::noinline]] bool start_bound_call(uint64_t pc);
  void finish_bound_call(uint64_t pc);
  [[gnu::noinline]] bool tag_instruction(const DecodedInsn& d, uint64_t pc);
  // A watched write to sp, before it runs: tells the members its old and new value.
  [[gnu::noinline]] bool stack_pointer_written(const DecodedInsn& d, uint64_t pc);
  bool stop_or_trap(uint64_t pc, uint64_t tval, Violation v);
  std::string tag_line(const char* what, Tag t, Site site) const;

  TagEngine& engine_;
  Hart& hart_;
  RuleCache cache_;
  std::vector<CodeEntry> code_;
  std::unordered_map<uint64_t, uint32_t> code_index_;  // pc -> index into code_
  uint64_t checked_ = 0;
  uint64_t trusted_ = 0;  // instructions inside a bound (allocator) call
  uint64_t tag_op_cycles_ = 0;
  uint64_t prev_pc_ = 0;  // the last instruction allowed (violation reports)
  uint64_t lookups_ = 0;  // checked instructions whose rule differed from their entry's last

  // The bound call in progress (one at a time: calls the allocator makes are its own business).
  bool in_bound_ = false;
  uint8_t bound_member_ = 0;
  uint64_t bound_return_ = ~uint64_t{0}, bound_sp_ = 0;
  BoundCall call_;
  std::string call_name_;

  // For describe_last: the code entry of the last checked instruction (its last_key is the key).
  uint32_t last_entry_ = 0;
};

}  // namespace unitag::tags
