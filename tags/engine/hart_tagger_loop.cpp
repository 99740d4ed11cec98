// The per-instruction tag check, and the execute loop the tagger runs with it inlined: a lone
// tagged hart (no tracer or debugger chained in front) never makes a virtual call per instruction.
// before_instruction, for chained hooks, runs the same check.
#include "machine/hart/execute_loop.inc"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {
[[gnu::always_inline]] inline bool HartTagger::check(Hart& hart, const DecodedInsn& d,
                                                     uint64_t pc) {
  if (in_bound_) [[unlikely]] {
    if (!leave_bound(hart, pc)) return true;
  }
  ++checked_;
  CodeEntry& c = code_[d.tag];
  const bool pc_default = tag_file[kPcSlot] == 0;
  const unsigned m = c.mask[pc_default];
  const uint32_t op = static_cast<uint32_t>(c.op) | (pc_default ? 0x80u : 0u);
  // Unconditional loads from precomputed slots: no branch per operand.
  const Tag pc_in = tag_file[c.pc_slot[pc_default]];
  const Tag rs1 = tag_file[c.rs1_slot[pc_default]];
  const Tag rs2 = tag_file[c.rs2_slot[pc_default]];
  Tag mem = 0;
  uint64_t addr = 0;
  if (c.memory) {
    addr = hart.x[d.rs1];
    if (c.op != OpGroup::kAmo && c.op < OpGroup::kTagAlloc) addr += static_cast<int64_t>(d.imm);
    if (m & kMem) mem = engine_.shadow().get(addr);
  }
  const RuleKey k = RuleKey::make(op, pc_in, c.ci_key[pc_default], rs1, rs2, mem);
  last_entry_ = d.tag;  // after this check, its entry's last_key is k (describe_last)
  const RuleResult* r;
  if (k == c.last_key && c.epoch == cache_.epoch()) [[likely]] {
    // Host shortcut, same modeled outcome: the rule is still cached, so this is a hit (LRU
    // order inside a set is not refreshed by it: exact for direct-mapped caches). Counted in
    // cache_hits() as a checked instruction that needed no lookup.
    r = &c.last_result;
  } else {
    r = lookup_rule(hart, c, k);
  }
  if (!r->allow) [[unlikely]]
    return deny(*r, d, pc, c.memory, addr);
  tag_file[kPcSlot] = r->pc;
  tag_file[c.rd_slot] = r->rd;
  if (c.writes_memory) engine_.shadow().set(addr, r->mem);
  prev_pc_ = pc;
  if (c.special) [[unlikely]] {
    if (c.op == OpGroup::kTagAlloc || c.op == OpGroup::kTagFree) return tag_instruction(d, pc);
    if (c.bound < 0) return stack_pointer_written(d, pc);  // the other special: a watched sp write
    // The entry of a bound function (checked above like any instruction, e.g. as a call target).
    return start_bound_call(pc);
  }
  return true;
}

bool HartTagger::before_instruction(Hart& hart, const DecodedInsn& d, uint64_t pc) {
  return check(hart, d, pc);
}

namespace {
struct TaggerChecks {
  static constexpr bool kChecks = true;
  HartTagger& tagger;
  [[gnu::always_inline]] bool check(Hart& h, const DecodedInsn& d, uint64_t pc) {
    return tagger.check(h, d, pc);
  }
  bool uses_host_fp() const { return false; }
};
}  // namespace

uint64_t HartTagger::execute(Hart& hart, uint64_t budget) {
  TaggerChecks checks{*this};
  return hart.execute_loop(checks, budget);
}

}  // namespace unitag::tags
