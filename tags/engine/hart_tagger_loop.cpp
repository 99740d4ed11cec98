// The per-instruction tag check, and the execute loop the tagger runs with it inlined: a lone
// tagged hart (no tracer or debugger chained in front) never makes a call per instruction. The
// common case is an instruction whose input tags (pc, the operands its rule reads, the memory
// word) equal those of the last time it ran, with no rule inserted into the modeled cache
// since: the same rule applies, so its output tags are copied from the code entry. Everything
// else (a new rule, a denial, bound calls, tag instructions) is check_slowly.
#include "machine/hart/execute_loop.inc"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {
namespace {
// What a machine group says statically about its instructions' operands. Groups whose
// instructions differ in register files (FP arithmetic) or do more (tag instructions) take the
// general check, which reads the entry's slots.
struct GroupShape {
  bool general = false;
  bool memory = false, writes_memory = false;
  bool writes_x = false, writes_f = false;  // rd is an integer / FP register
  bool rs2_f = false;                       // rs2 is an FP register
};
constexpr GroupShape shape_of(Group g) {
  switch (g) {
    case Group::Alu:
    case Group::MulDiv:
    case Group::Jal:
    case Group::Jalr:
    case Group::Csr:
      return {.writes_x = true};
    case Group::Load:
      return {.memory = true, .writes_x = true};
    case Group::Store:
      return {.memory = true, .writes_memory = true};
    case Group::Amo:
    case Group::LoadReserved:
    case Group::StoreConditional:
      return {.memory = true, .writes_memory = true, .writes_x = true};
    case Group::Branch:
    case Group::Fence:
    case Group::FenceI:
    case Group::System:
      return {};
    case Group::FpLoad:
      return {.memory = true, .writes_f = true};
    case Group::FpStore:
      return {.memory = true, .writes_memory = true, .rs2_f = true};
    default:
      return {.general = true};
  }
}
}  // namespace

template <Group G>
[[gnu::always_inline]] inline bool HartTagger::check_insn(Hart& hart, const DecodedInsn& d,
                                                          uint64_t pc, uint64_t& checked) {
  constexpr GroupShape kShape = shape_of(G);
  if constexpr (kShape.general) {
    return check(hart, d, pc, checked);
  } else {
    const CodeEntry& c = code_[d.tag];
    const Tag rs1 = tag_file[d.rs1] & c.rs1_mask;
    const Tag rs2 = tag_file[(kShape.rs2_f ? kFBase : 0) + d.rs2] & c.rs2_mask;
    uint64_t addr = 0;
    Tag mem = 0;
    if constexpr (kShape.memory) {
      addr = hart.x[d.rs1] + static_cast<int64_t>(d.imm);
      mem = shadow_.get(addr);
    }
    const uint32_t differs = (tag_file[kPcSlot] ^ c.last_pc) | (rs1 ^ c.last_rs1) |
                             (rs2 ^ c.last_rs2) | (mem ^ c.last_mem) | (c.epoch ^ current_epoch_);
    if (differs != 0) [[unlikely]]
      return check_slowly(hart, d, pc, addr);
    ++checked;
    tag_file[kPcSlot] = c.out_pc;
    if constexpr (kShape.writes_x) tag_file[d.rd] = c.out_rd;
    if constexpr (kShape.writes_f) tag_file[kFBase + d.rd] = c.out_rd;
    if constexpr (kShape.writes_memory) {
      if (c.out_mem != mem) shadow_.set(addr, c.out_mem);
    }
    prev_pc_ = pc;
    return true;
  }
}

bool HartTagger::check(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t& checked) {
  const CodeEntry& c = code_[d.tag];
  uint64_t addr = 0;
  Tag mem = 0;
  if (c.flags & kMemory) {
    addr = hart.x[d.rs1] + static_cast<int64_t>(d.imm);  // imm is 0 without an offset (AMOs)
    mem = shadow_.get(addr);
  }
  const uint32_t differs = (tag_file[kPcSlot] ^ c.last_pc) | (tag_file[c.rs1_slot] ^ c.last_rs1) |
                           (tag_file[c.rs2_slot] ^ c.last_rs2) | (mem ^ c.last_mem) |
                           (c.epoch ^ current_epoch_);
  if (differs != 0) [[unlikely]]
    return check_slowly(hart, d, pc, addr);
  ++checked;
  tag_file[kPcSlot] = c.out_pc;
  tag_file[c.rd_slot] = c.out_rd;
  if ((c.flags & kWritesMemory) && c.out_mem != mem) shadow_.set(addr, c.out_mem);
  prev_pc_ = pc;
  return true;
}

bool HartTagger::check_slowly(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t addr) {
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
  CodeEntry& c = code_[d.tag];
  const RuleResult& r = lookup_rule(hart, c, addr);
  if (!r.allow) [[unlikely]]
    return deny(r, d, pc, c.flags & kMemory, addr);
  tag_file[kPcSlot] = r.pc;
  tag_file[c.rd_slot] = r.rd;
  if (c.flags & kWritesMemory) shadow_.set(addr, r.mem);
  if (c.flags & kSpecial) {
    if (c.op == OpGroup::kTagAlloc || c.op == OpGroup::kTagFree) return tag_instruction(d, pc);
    if (c.flags & kWritesSp) return stack_pointer_written(d, pc);
    // The entry of a bound function (checked above like any instruction, e.g. as a call target).
    // prev_pc_ is still the instruction that jumped here: the call site, even for a tail call.
    return start_bound_call(pc);
  }
  prev_pc_ = pc;
  return true;
}

bool HartTagger::before_instruction(Hart& hart, const DecodedInsn& d, uint64_t pc) {
  last_entry_ = d.tag;  // describe_last (tracers and debuggers chain in front of the tagger)
  return check(hart, d, pc, checked_);
}

bool HartTagger::check_trusted(Hart& hart, uint64_t pc, uint64_t& trusted) {
  if (in_bound_ && !returns_from_bound(hart, pc)) [[likely]] {
    ++trusted;
    return true;
  }
  if (in_bound_) finish_bound_call(pc);
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
    return tagger->check(h, d, pc, checked);
  }
  template <Group G>
  [[gnu::always_inline]] bool check_insn(Hart& h, const DecodedInsn& d, uint64_t pc) {
    return tagger->check_insn<G>(h, d, pc, checked);
  }
  bool uses_host_fp() const { return false; }
  void at_exit() {
    tagger->add_checked(checked);
    checked = 0;
  }
  bool yielding() const { return tagger->switching(); }
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
}  // namespace

uint64_t HartTagger::execute(Hart& hart, uint64_t budget) {
  own_loop_ = true;
  uint64_t done = 0;
  for (;;) {
    switch_ = false;
    done += in_bound_ ? hart.execute_loop(TrustedChecks{this}, budget - done)
                      : hart.execute_loop(TaggerChecks{this}, budget - done);
    if (!switch_ || done >= budget || hart.machine().stop_requested()) break;
  }
  switch_ = false;
  own_loop_ = false;
  return done;
}

}  // namespace unitag::tags
