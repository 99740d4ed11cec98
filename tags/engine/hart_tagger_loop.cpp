// The per-instruction tag check, and the execute loop the tagger runs with it inlined: a lone
// tagged hart (no tracer or debugger chained in front) never makes a call per instruction. The
// common case is an instruction whose input tags (pc, the operands its rule reads, the memory
// word) equal those of the last time it ran, or those of the rule before (an instruction
// alternating between two), with no rule inserted into the modeled cache since: the same rule
// applies, so its output tags are copied from the code entry. Everything else (a new rule, a
// denial, bound calls, tag instructions) is check_slowly.
#include "machine/hart/execute_loop.inc"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {

template <Op O>
[[gnu::always_inline]] inline bool HartTagger::check_insn(Hart& hart, const DecodedInsn& d,
                                                          uint64_t pc, uint64_t addr,
                                                          uint64_t& checked) {
  constexpr Operands kOps = insn_info(O).operands;
  // Tag instructions have more to do than their rule (always check_slowly, through the entry).
  if constexpr (insn_info(O).group == Group::TagOp) {
    return check(hart, d, pc, addr, checked);
  } else {
    constexpr auto base = [](RegFile f) -> unsigned { return f == RegFile::kF ? kFBase : 0; };
    const CodeEntry& c = code_[d.hook_data];
    const Tag pc_tag = tag_file[kPcSlot];
    Tag rs1 = 0, rs2 = 0, rs3 = 0, mem = 0;
    if constexpr (kOps.rs1 != RegFile::kNone) rs1 = tag_file[base(kOps.rs1) + d.rs1] & c.rs1_mask;
    if constexpr (kOps.rs2 != RegFile::kNone) rs2 = tag_file[base(kOps.rs2) + d.rs2] & c.rs2_mask;
    if constexpr (kOps.rs3 != RegFile::kNone) rs3 = tag_file[base(kOps.rs3) + d.rs3] & c.rs3_mask;
    if constexpr (kOps.accesses_memory()) mem = shadow_.get(addr);
    const uint32_t differs = (pc_tag ^ c.last_pc) | (c.epoch ^ current_epoch_) |
                             (rs1 ^ c.last_rs1) | (rs2 ^ c.last_rs2) | (rs3 ^ c.last_rs3) |
                             (mem ^ c.last_mem);
    if (differs != 0) [[unlikely]] {
      if (reuse_previous(d.hook_data, c, pc_tag, rs1, rs2, rs3, mem, addr, pc, checked))
        return true;
      flush_count(checked, checked_);  // the co-processor model needs a miss's exact position
      return check_slowly(hart, d, pc, addr);
    }
    ++checked;
    tag_file[kPcSlot] = c.out_pc;
    if constexpr (kOps.rd != RegFile::kNone) tag_file[base(kOps.rd) + d.rd] = c.out_rd;
    if constexpr (kOps.writes_memory()) {
      if (c.out_mem != mem) shadow_.set(addr, c.out_mem);
    }
    prev_pc_ = pc;
    return true;
  }
}

bool HartTagger::check(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t addr,
                       uint64_t& checked) {
  const CodeEntry& c = code_[d.hook_data];
  Tag mem = 0;
  if (c.flags & kMemory) {
    // Tag instructions name their word by rs1 alone (the machine makes no access for them).
    if (c.op == OpGroup::kTagAlloc || c.op == OpGroup::kTagFree || c.op == OpGroup::kTagGet)
      addr = hart.x[d.rs1];
    mem = shadow_.get(addr);
  }
  const uint32_t differs = (tag_file[kPcSlot] ^ c.last_pc) | (tag_file[c.rs1_slot] ^ c.last_rs1) |
                           (tag_file[c.rs2_slot] ^ c.last_rs2) |
                           (tag_file[c.rs3_slot] ^ c.last_rs3) | (mem ^ c.last_mem) |
                           (c.epoch ^ current_epoch_);
  if (differs != 0) [[unlikely]] {
    if (reuse_previous(d.hook_data, c, tag_file[kPcSlot], tag_file[c.rs1_slot],
                       tag_file[c.rs2_slot], tag_file[c.rs3_slot], mem, addr, pc, checked))
      return true;
    flush_count(checked, checked_);
    return check_slowly(hart, d, pc, addr);
  }
  apply_reused(c, c.out_pc, c.out_rd, c.out_mem, mem, addr, pc, checked);
  return true;
}

bool HartTagger::check_slowly(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t addr) {
  if (in_bound_ && static_cast<uint8_t>(hart.priv) != bound_priv_) park_bound_call();
  if (in_bound_) {
    // The allocator runs trusted and untracked (in hardware: under a PC tag whose rules always
    // allow) until it returns to the recorded return address with the caller's stack; its
    // effects on tags are applied then by the binding policy.
    if (!returns_from_bound(hart, pc)) {
      if (own_loop_) {  // go on in the trusted loop (execute), starting with this instruction
        switch_ = true;
        return false;
      }
      ++trusted_;
      return true;
    }
    finish_bound_call(pc);
  }
  ++checked_;
  CodeEntry& c = code_[d.hook_data];
  const RuleResult& r = lookup_rule(hart, d.hook_data, addr);
  if (!r.allow) [[unlikely]]
    return deny(r, d, pc, c.flags & kMemory, addr);
  const Tag rs1_tag = xtag()[d.rs1];  // before rd is written (rd may be rs1)
  tag_file[kPcSlot] = r.pc;
  tag_file[c.rd_slot] = r.rd;
  if (c.flags & kWritesMemory) shadow_.set(addr, r.mem);
  if (c.flags & kSpecial) {
    if (c.op == OpGroup::kTagAlloc || c.op == OpGroup::kTagFree || c.op == OpGroup::kTagBound ||
        c.op == OpGroup::kTagSetType || c.op == OpGroup::kTagTypeOf || c.op == OpGroup::kTagImage)
      return tag_instruction(d, pc, rs1_tag);
    if (c.flags & kWritesSp) return stack_pointer_written(d, pc);
    if (c.op == OpGroup::kSystem) return trap_returned(d, pc);
    // The entry of a bound function (checked above like any instruction, e.g. as a call target).
    // prev_pc_ is still the instruction that jumped here: the call site, even for a tail call.
    return start_bound_call(pc, keys_[d.hook_data].at);
  }
  prev_pc_ = pc;
  return true;
}

bool HartTagger::before_instruction(Hart& hart, const DecodedInsn& d, uint64_t pc) {
  last_entry_ = d.hook_data;  // describe_last (tracers and debuggers chain in front of the tagger)
  return check(hart, d, pc, hart.access_address(d), checked_);
}

bool HartTagger::check_trusted(Hart& hart, uint64_t pc, uint64_t& trusted) {
  if (in_bound_ && !returns_from_bound(hart, pc) && static_cast<uint8_t>(hart.priv) == bound_priv_)
      [[likely]] {
    ++trusted;
    return true;
  }
  if (in_bound_ && static_cast<uint8_t>(hart.priv) != bound_priv_) {
    // A trap inside the call: its handler (another mode's code) is checked, in the tagged loop.
    flush_count(trusted, trusted_);
    park_bound_call();
    switch_ = true;
    return false;
  }
  if (in_bound_) {
    flush_count(trusted, trusted_);  // the co-processor model reads the position at the return
    finish_bound_call(pc);
  }
  switch_ = true;  // the return site is checked as usual, in the tagged loop
  return false;
}

namespace {
// Copied into the loop (which takes its checker by value), so `checked` can live in a register.
struct TaggerChecks {
  static constexpr bool kChecks = true;
  static constexpr bool kPerHandler = true;
  HartTagger* tagger;
  uint64_t checked = 0;
  bool check(Hart& h, const DecodedInsn& d, uint64_t pc) {
    return tagger->check(h, d, pc, h.access_address(d), checked);
  }
  template <Op O>
  [[gnu::always_inline]] bool check_insn(Hart& h, const DecodedInsn& d, uint64_t pc,
                                         uint64_t addr) {
    return tagger->check_insn<O>(h, d, pc, addr, checked);
  }
  bool uses_host_fp() const { return false; }
  void at_exit() {
    tagger->add_checked(checked);
    checked = 0;
  }
  bool yielding() const { return tagger->switching(); }
};

// The same, with translated blocks (machine/jit) carrying the common path of the check.
struct TaggerTranslatedChecks : TaggerChecks {
  static constexpr bool kTranslated = true;
  // An instruction handed back for check_slowly is the only one the interpreter runs.
  static constexpr bool kResumeTranslated = true;
};

// A bound (allocator) call runs trusted: one compare per instruction, at one shared check site
// (so the decoded slots keep pointing into the tagged loop).
struct TrustedChecks {
  static constexpr bool kChecks = true;
  HartTagger* tagger;
  uint64_t trusted = 0;
  bool check(Hart& h, const DecodedInsn&, uint64_t pc) {
    return tagger->check_trusted(h, pc, trusted);
  }
  bool uses_host_fp() const { return false; }
  void at_exit() {
    tagger->add_trusted(trusted);
    trusted = 0;
  }
  bool yielding() const { return tagger->switching(); }
};

// The same in translated blocks without checks, which stop before the call's return site.
struct TrustedTranslatedChecks : TrustedChecks {
  static constexpr bool kTranslated = true;
};
}  // namespace

uint64_t HartTagger::execute(Hart& hart, uint64_t budget) {
  own_loop_ = true;
  const bool translated = hart.translating();
  if (translated) hart.translate_with_tags(&jit_layout_);  // set_hooks resets it
  uint64_t done = 0;
  for (;;) {
    switch_ = false;
    if (in_bound_ && translated && !engine_.parks_bound_calls()) {
      hart.translate_trusted(bound_return_, &trusted_);
      done += hart.execute_loop(TrustedTranslatedChecks{{this}}, budget - done);
      hart.translate_trusted(0, nullptr);
    } else if (in_bound_)
      done += hart.execute_loop(TrustedChecks{this}, budget - done);
    else if (translated)
      done += hart.execute_loop(TaggerTranslatedChecks{{this}}, budget - done);
    else
      done += hart.execute_loop(TaggerChecks{this}, budget - done);
    if (!switch_ || done >= budget || hart.machine().stop_requested()) break;
  }
  switch_ = false;
  own_loop_ = false;
  return done;
}

}  // namespace unitag::tags
