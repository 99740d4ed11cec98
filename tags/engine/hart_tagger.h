// The ExecutionHooks of one tagged hart: its register and PC tags, its modeled rule cache, and
// the per-instruction check. DecodedInsn::hook_data holds an index into this hart's table of code
// entries, one per instruction address (opgroup + instruction tag + its masked forms + the last
// rule it used), filled once per decode from the operand table (machine/isa/insn.h: Operands),
// so the check itself never looks up code tags.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "machine/hart/hart.h"
#include "machine/jit/tag_check_emitter.h"
#include "tags/engine/coprocessor_model.h"
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
  uint64_t tag_result() const override;
  bool uses_host_fp() const override { return false; }
  bool has_own_loop() const override { return true; }
  uint64_t execute(Hart& hart, uint64_t budget) override;
  // On a hart with the translation tier, the own loop runs translated blocks with the common
  // path of the check compiled in (machine/jit/tag_check_emitter.h, laid out by jit_layout_).
  bool runs_translated() const override { return hart_.translating(); }

  // The per-instruction check, for any instruction. It adds 1 to `checked` when the instruction
  // reuses its entry's last rule (the own loop counts in a register; others pass checked_).
  // `addr` is the physical address of the instruction's data access (from the hart's memory
  // path: Hart::access_address); unused for instructions without one.
  bool check(Hart& hart, const DecodedInsn& insn, uint64_t pc, uint64_t addr, uint64_t& checked);
  // The same check at the start of an op's handler in the own loop, specialised for the op from
  // its operand table row: register tags indexed straight from the decoded fields.
  template <Op O>
  bool check_insn(Hart& hart, const DecodedInsn& insn, uint64_t pc, uint64_t addr,
                  uint64_t& checked);
  void add_checked(uint64_t n) { checked_ += n; }
  // A loop's own count (of checked or trusted instructions) moved into the member the slow path
  // and the co-processor model read; callers without a loop pass the member itself.
  static void flush_count(uint64_t& local, uint64_t& total) {
    if (&local == &total) return;
    total += local;
    local = 0;
  }
  // The check of the loop that runs a bound (trusted) call: counts trusted instructions until
  // the call returns, then ends the loop (false, with switch_ set) before the return site.
  bool check_trusted(Hart& hart, uint64_t pc, uint64_t& trusted);
  void add_trusted(uint64_t n) { trusted_ += n; }
  bool switching() const { return switch_; }

  const RuleCache& cache() const { return cache_; }
  // Modeled rule-cache hits: those the cache model counted, plus every checked instruction
  // that reused its entry's last rule (the per-instruction path counts nothing itself).
  uint64_t cache_hits() const { return cache_.hits + (checked_ - lookups_); }
  // Checked instructions whose rule had to be looked up (it differed from their last one's).
  uint64_t rule_lookups() const { return lookups_; }
  uint64_t checked() const { return checked_; }
  uint64_t trusted() const { return trusted_; }
  uint64_t tag_op_cycles() const { return tag_op_cycles_; }
  const CoprocessorModel& coprocessor() const { return coproc_; }
  Hart& hart() { return hart_; }

  // Tag state, for TagAccess and the monitor.
  // One file, so a code entry names each operand of its instruction (or the constant zero when
  // the rule key leaves it out, or a discard slot when nothing is written) by a slot number.
  static constexpr uint8_t kFBase = 33, kPcSlot = 65, kZeroSlot = 66, kDiscardSlot = 67;
  Tag tag_file[68] = {};  // x[32] is the sink for x0 writes
  Tag* xtag() { return tag_file; }
  Tag* ftag() { return tag_file + kFBase; }
  Tag& pctag() { return tag_file[kPcSlot]; }
  const Tag* xtag() const { return tag_file; }
  const Tag* ftag() const { return tag_file + kFBase; }
  Tag pctag() const { return tag_file[kPcSlot]; }

 private:
  // Per instruction address, in two halves: CodeEntry is all the check reads when the
  // instruction's input tags are the same as the last time it ran (one cache line); CodeKey
  // serves rule lookups and reports. Both are built in on_decode from the operand table.
  struct alignas(64) CodeEntry {
    // The raw input tags of the last allowed rule (pc, rs1, rs2, rs3, memory word; an operand no
    // policy reads is always 0) and its output tags: equal inputs, equal rule.
    Tag last_pc = 0, last_rs1 = 0, last_rs2 = 0, last_rs3 = 0, last_mem = 0;
    Tag out_pc = 0, out_rd = 0, out_mem = 0;
    // The cache epoch the rule was looked up in, as fast_epoch() (kNoEpoch: no rule to reuse,
    // e.g. after a denial or for instructions with more to do than their rule): with the same
    // epoch, nothing was inserted since, so the modeled cache still holds the rule.
    uint32_t epoch = kNoEpoch;
    // Which source operands some policy reads, as masks over the register tags (~0: read, 0:
    // not), so a check specialised for the op indexes the tags straight from the decoded fields.
    Tag rs1_mask = 0, rs2_mask = 0, rs3_mask = 0;
    // tag_file slots of the sources (kZeroSlot when no policy reads them) and of rd
    // (kDiscardSlot when the instruction writes no register).
    uint8_t rs1_slot = kZeroSlot, rs2_slot = kZeroSlot, rs3_slot = kZeroSlot,
            rd_slot = kDiscardSlot;
    uint8_t flags = 0;  // kMemory | kWritesMemory | kSpecial | kWritesSp
    OpGroup op = OpGroup::kIllegal;
  };
  static_assert(sizeof(CodeEntry) == 64, "one cache line: indexing the entries is a shift");
  // The rule an entry held before its current one, reused the same way when the current one's
  // inputs differ: an instruction alternating between two rules (one load on two arrays under
  // bounds, one function at two frame depths under frame) takes no lookup for either. Outside
  // the entry's cache line: read only when the current rule's inputs differ.
  struct PreviousRule {
    Tag last_pc = 0, last_rs1 = 0, last_rs2 = 0, last_rs3 = 0, last_mem = 0;
    Tag out_pc = 0, out_rd = 0, out_mem = 0;
    uint32_t epoch = kNoEpoch;
  };
  static_assert(offsetof(PreviousRule, last_pc) == offsetof(CodeEntry, last_pc) &&
                    offsetof(PreviousRule, last_mem) == offsetof(CodeEntry, last_mem) &&
                    offsetof(PreviousRule, out_mem) == offsetof(CodeEntry, out_mem) &&
                    offsetof(PreviousRule, epoch) == offsetof(CodeEntry, epoch),
                "translated checks read both with the entry's offsets");
  // The common path for the entry's previous rule: true (outputs applied) when its inputs are
  // these and it was looked up in the current epoch.
  [[gnu::always_inline]] bool reuse_previous(uint32_t entry, const CodeEntry& c, Tag pc_tag,
                                             Tag rs1, Tag rs2, Tag rs3, Tag mem, uint64_t addr,
                                             uint64_t pc, uint64_t& checked) {
    const PreviousRule& p = previous_[entry];
    if (((pc_tag ^ p.last_pc) | (p.epoch ^ current_epoch_) | (rs1 ^ p.last_rs1) |
         (rs2 ^ p.last_rs2) | (rs3 ^ p.last_rs3) | (mem ^ p.last_mem)) != 0)
      return false;
    apply_reused(c, p.out_pc, p.out_rd, p.out_mem, mem, addr, pc, checked);
    return true;
  }
  // A reused rule's outputs (the entry's own or its previous rule): the tags it gives the PC,
  // rd and the memory word, counted as a checked instruction.
  [[gnu::always_inline]] void apply_reused(const CodeEntry& c, Tag out_pc, Tag out_rd, Tag out_mem,
                                           Tag mem, uint64_t addr, uint64_t pc, uint64_t& checked) {
    ++checked;
    tag_file[kPcSlot] = out_pc;
    tag_file[c.rd_slot] = out_rd;
    if ((c.flags & kWritesMemory) && out_mem != mem) shadow_.set(addr, out_mem);
    prev_pc_ = pc;
  }
  struct CodeKey {
    uint64_t at = 0;       // the facts' address of the instruction (TagEngine::code_address)
    Tag ci = 0;            // the full instruction tag
    Tag ci_key[2] = {};    // projected for the rule key: [pc tag is default]
    uint8_t mask[2] = {};  // inputs the key holds: [pc tag is default]
    // Slots of the key's pc and source tags (kZeroSlot when the key leaves them out),
    // [pc tag is default].
    uint8_t pc_slot[2] = {}, rs1_key_slot[2] = {}, rs2_key_slot[2] = {}, rs3_key_slot[2] = {};
    // Bytes a memory access reads or writes (0: none), to judge an allocation's last word.
    uint8_t access_size = 0;
    RuleKey last_key;  // the projected key of the last rule (reports, traces)
    uint64_t key_epoch = ~uint64_t{0};
    RuleResult last_result;
  };
  // Epochs compared on the common path have the top bit clear (they wrap after 2^31 rule
  // insertions, which at worst counts one modeled miss as a hit); kInBound matches no entry.
  static constexpr uint32_t kNoEpoch = ~uint32_t{0}, kInBound = 0x80000000u;
  uint32_t fast_epoch() const { return static_cast<uint32_t>(cache_.epoch()) & 0x7fffffffu; }
  // Everything after the common path: bound calls, lookups, denials, tag instructions.
  [[gnu::noinline]] bool check_slowly(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t addr);
  // kWritesSp: writes sp and a member subscribes to StackPointerWrite; also kSpecial.
  static constexpr uint8_t kMemory = 1, kWritesMemory = 2, kSpecial = 4, kWritesSp = 8;
  class Access;
  // A rule denied the instruction at pc.
  [[gnu::noinline]] bool deny(const RuleResult& r, const DecodedInsn& d, uint64_t pc, bool has_addr,
                              uint64_t addr);
  // The rule for `c` when its input tags differ from the last allowed ones: the entry's last
  // rule when the projected key is still the same, else the modeled cache, then the memo, then
  // the policies. Records allowed rules in the entry. Out of line: the common path stays small.
  [[gnu::noinline]] const RuleResult& lookup_rule(Hart& hart, uint32_t entry, uint64_t addr);
  // Policy::repair for the denying member: true when it set the tags the access was refused on
  // (the instruction is then checked again).
  bool repair(size_t member, const Denial& d, const RuleInputs& in, uint64_t guest_addr,
              uint64_t pc);
  // A bound call or tag instruction was refused; `where` is the code to blame (the call site).
  bool deny_call(uint8_t member, const Denial& d, uint64_t where, uint64_t pc);
  // `at`: the entry's address in the facts (the bound function's).
  [[gnu::noinline]] bool start_bound_call(uint64_t pc, uint64_t at);
  void finish_bound_call(uint64_t pc);
  // The bound call's hart trapped (its privilege changed): the call waits in the engine and the
  // handler is checked; an xRET back to the caller's mode and sp resumes it (trap_returned).
  void park_bound_call();
  bool trap_returned(const DecodedInsn& d, uint64_t pc);
  [[gnu::noinline]] bool tag_instruction(const DecodedInsn& d, uint64_t pc, Tag rs1_tag);
  // A tag write of `words` words: one tag instruction plus one tag-line write per 8 words (a
  // 64-byte line of tags), in the in-core and co-processor models.
  void charge_tag_op(uint64_t words);
  // A watched write to sp, before it runs: tells the members its old and new value.
  [[gnu::noinline]] bool stack_pointer_written(const DecodedInsn& d, uint64_t pc);
  bool stop_or_trap(uint64_t pc, uint64_t tval, Violation v);
  std::string tag_line(const char* what, Tag t, Site site) const;

  TagEngine& engine_;
  Hart& hart_;
  ShadowMemory& shadow_;
  RuleCache cache_;  // the modeled rule cache, keyed on canonical rule ids
  // The host's own cache of concrete rules in front of the engine's memo (not modeled: sized
  // for host speed).
  static constexpr unsigned kHostRuleEntries = 1u << 14;
  RuleCache host_rules_;
  // What entries' epochs must equal to reuse their rule: fast_epoch(), or kInBound inside a
  // bound call (so every instruction takes check_slowly, which knows about bound calls).
  uint32_t current_epoch_ = 0;
  // Bumped whenever a code entry's reusable rule changes (another rule, none, a re-decode):
  // translated blocks specialised on entries' contents stay valid while it and the epoch do.
  uint32_t entries_version_ = 0;
  std::vector<CodeEntry> code_;
  uint8_t* code_base_ = nullptr;      // code_.data(), where translated checks find it
  uint8_t* previous_base_ = nullptr;  // previous_.data(), likewise
  jit::TagLayout jit_layout_;
  std::vector<CodeKey> keys_;                          // parallel to code_
  std::vector<PreviousRule> previous_;                 // parallel to code_
  std::unordered_map<uint64_t, uint32_t> code_index_;  // pc -> index into code_
  uint64_t checked_ = 0;
  uint64_t trusted_ = 0;  // instructions inside a bound (allocator) call
  uint64_t tag_op_cycles_ = 0;
  // The same misses and tag writes, as a decoupled co-processor would absorb them.
  CoprocessorModel coproc_;
  uint64_t tag_result_ = 0;  // tag.typeof's answer, read by its body right after the check
  uint64_t prev_pc_ = 0;     // the last instruction allowed (violation reports)
  uint64_t lookups_ = 0;     // checked instructions whose rule differed from their entry's last

  // The bound call in progress (one at a time: calls the allocator makes are its own business).
  bool in_bound_ = false;
  static constexpr unsigned kSp = 2;
  // Inside a bound call, whether pc is its return: the recorded return address, with the
  // caller's stack (a recursive call of the same function returns elsewhere or deeper).
  bool returns_from_bound(const Hart& hart, uint64_t pc) const {
    return pc == bound_return_ && hart.x[kSp] == bound_sp_;
  }
  // In execute(): trusted instructions run in a loop of their own (TrustedChecks) and the
  // checks ask the loop to end (switch_) when the hart enters or leaves a bound call.
  bool own_loop_ = false;
  bool switch_ = false;
  uint32_t bound_members_ = 0;  // BoundEntry::members of the call in progress
  uint64_t bound_return_ = ~uint64_t{0}, bound_sp_ = 0;
  uint8_t bound_priv_ = 0;  // the caller's privilege (a trap changes it)
  BoundCall call_;
  std::string call_name_;

  // For describe_last: the code entry of the last checked instruction (its last_key is the key);
  // the own loop records only denied ones (nobody traces it).
  uint32_t last_entry_ = 0;
};

}  // namespace unitag::tags
