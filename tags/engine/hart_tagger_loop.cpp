// The per-instruction tag check, and the execute loop the tagger runs with it inlined: a lone
// tagged hart (no tracer or debugger chained in front) never makes a virtual call per instruction.
// before_instruction, for chained hooks, runs the same check.
#include "machine/hart/execute_loop.inc"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {
template <bool kTraced>
[[gnu::always_inline]] inline bool HartTagger::check(Hart& hart, const DecodedInsn& d,
                                                     uint64_t pc) {
  if (in_bound_) [[unlikely]] {
    if (!leave_bound(hart, pc)) return true;
  }
  ++checked_;
  if constexpr (kTraced) last_entry_ = d.tag;
  CodeEntry& c = code_[d.tag];
  // Unconditional loads from precomputed slots: no branch per operand. imm is 0 for the memory
  // instructions without an offset (AMOs, tag instructions).
  const Tag pc_in = tag_file[kPcSlot];
  const Tag rs1 = tag_file[c.rs1_slot];
  const Tag rs2 = tag_file[c.rs2_slot];
  uint64_t addr = 0;
  Tag mem = 0;
  if (c.flags & kMemory) {
    addr = hart.x[d.rs1] + static_cast<int64_t>(d.imm);
    mem = shadow_.get(addr);
  }
  const uint32_t differs = (pc_in ^ c.last_pc) | (rs1 ^ c.last_rs1) | (rs2 ^ c.last_rs2) |
                           (mem ^ c.last_mem) | (c.epoch ^ static_cast<uint32_t>(cache_.epoch()));
  if (differs != 0) [[unlikely]] {
    const RuleResult& r = lookup_rule(hart, c, addr);
    if (!r.allow) [[unlikely]]
      return deny(r, d, pc, c.flags & kMemory, addr);
  }
  // Same inputs as the entry's last allowed rule (now or after the lookup): its outputs.
  tag_file[kPcSlot] = c.out_pc;
  tag_file[c.rd_slot] = c.out_rd;
  if ((c.flags & kWritesMemory) && c.out_mem != mem) shadow_.set(addr, c.out_mem);
  if (c.flags & kSpecial) [[unlikely]] {
    if (c.op == OpGroup::kTagAlloc || c.op == OpGroup::kTagFree) return tag_instruction(d, pc);
    // The entry of a bound function (checked above like any instruction, e.g. as a call target).
    // prev_pc_ is still the instruction that jumped here: the call site, even for a tail call.
    return start_bound_call(pc);
  }
  prev_pc_ = pc;
  return true;
}

bool HartTagger::before_instruction(Hart& hart, const DecodedInsn& d, uint64_t pc) {
  return check<true>(hart, d, pc);
}

namespace {
struct TaggerChecks {
  static constexpr bool kChecks = true;
  HartTagger& tagger;
  [[gnu::always_inline]] bool check(Hart& h, const DecodedInsn& d, uint64_t pc) {
    return tagger.check<false>(h, d, pc);
  }
  bool uses_host_fp() const { return false; }
};
}  // namespace

uint64_t HartTagger::execute(Hart& hart, uint64_t budget) {
  TaggerChecks checks{*this};
  return hart.execute_loop(checks, budget);
}

}  // namespace unitag::tags
