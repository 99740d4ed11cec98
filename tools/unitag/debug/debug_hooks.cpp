#include "tools/unitag/debug/debug_hooks.h"

#include <algorithm>

#include "machine/machine.h"

namespace unitag {

DebugHooks::DebugHooks(Machine& machine, unsigned harts) : machine_(machine), harts_(harts) {}

bool DebugHooks::insert(int kind, uint64_t addr, uint64_t length) {
  switch (kind) {
    case 0:
      software_.insert(addr);
      return true;
    case 1:
      hardware_.insert(addr);
      return true;
    case 2:
    case 3:
    case 4:
      if (length == 0) return false;
      watches_.push_back({addr, length, kind == 2 ? 'w' : kind == 3 ? 'r' : 'a'});
      return true;
    default:
      return false;
  }
}

bool DebugHooks::remove(int kind, uint64_t addr, uint64_t length) {
  switch (kind) {
    case 0:
      software_.erase(addr);
      return true;
    case 1:
      hardware_.erase(addr);
      return true;
    case 2:
    case 3:
    case 4: {
      const char k = kind == 2 ? 'w' : kind == 3 ? 'r' : 'a';
      auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& w) {
        return w.addr == addr && w.length == length && w.kind == k;
      });
      if (it != watches_.end()) watches_.erase(it);
      return true;
    }
    default:
      return false;
  }
}

void DebugHooks::clear() {
  software_.clear();
  hardware_.clear();
  watches_.clear();
  for (HartState& s : harts_) s = HartState{};
  stop_.reset();
}

void DebugHooks::resume(const std::vector<bool>& step_harts) {
  stop_.reset();
  for (unsigned h = 0; h < harts_.size(); ++h) {
    HartState& s = harts_[h];
    const uint64_t pc = machine_.hart(h).pc;
    s.skip_breakpoint = software_.count(pc) || hardware_.count(pc);
    s.stepping = h < step_harts.size() && step_harts[h];
    s.stepped = false;
    s.watch_hit.reset();
  }
}

std::optional<DebugStop> DebugHooks::pending_stop() {
  for (unsigned h = 0; h < harts_.size(); ++h) {
    HartState& s = harts_[h];
    if (s.watch_hit) {
      DebugStop why = *s.watch_hit;
      s.watch_hit.reset();
      s.stepping = false;
      return why;
    }
    if (s.stepping && s.stepped) {
      s.stepping = false;
      return DebugStop{DebugStop::Kind::kStep, h};
    }
  }
  return std::nullopt;
}

std::optional<DebugStop> DebugHooks::take_stop() {
  std::optional<DebugStop> why = stop_;
  stop_.reset();
  return why;
}

bool DebugHooks::stop(Hart& hart, uint64_t pc, DebugStop why) {
  stop_ = why;
  machine_.request_stop(StopReason::kDebugger, 0, "", static_cast<int>(hart.id()), pc);
  return false;
}

std::optional<DebugStop> DebugHooks::check_watch(Hart& hart, const DecodedInsn& insn) const {
  bool reads = false, writes = false;
  switch (insn.group()) {
    case Group::Load:
    case Group::FpLoad:
    case Group::LoadReserved:
      reads = true;
      break;
    case Group::Store:
    case Group::FpStore:
    case Group::StoreConditional:
      writes = true;
      break;
    case Group::Amo:
      reads = writes = true;
      break;
    default:
      return std::nullopt;
  }
  // Loads, stores and AMOs encode log2(access size) in the low bits of funct3.
  const uint64_t size = uint64_t{1} << ((insn_info(insn.op).match >> 12) & 3);
  const uint64_t addr = hart.x[insn.rs1] + static_cast<uint64_t>(int64_t{insn.imm});
  for (const Watch& w : watches_) {
    if (addr >= w.addr + w.length || w.addr >= addr + size) continue;
    const bool hit = w.kind == 'a' ? true : w.kind == 'w' ? writes : reads;
    if (hit)
      return DebugStop{DebugStop::Kind::kWatchpoint, hart.id(), std::max(addr, w.addr), w.kind};
  }
  return std::nullopt;
}

bool DebugHooks::before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) {
  HartState& s = harts_[hart.id()];
  if (s.watch_hit) {  // the previous instruction touched a watched address: stop after it
    const DebugStop why = *s.watch_hit;
    s.watch_hit.reset();
    return stop(hart, pc, why);
  }
  if (s.stepping && s.stepped) {
    s.stepping = false;
    return stop(hart, pc, DebugStop{DebugStop::Kind::kStep, hart.id()});
  }
  const bool skip = s.skip_breakpoint;
  s.skip_breakpoint = false;
  if (!skip && !software_.empty() && software_.count(pc))
    return stop(hart, pc, DebugStop{DebugStop::Kind::kBreakpoint, hart.id()});
  if (!skip && !hardware_.empty() && hardware_.count(pc))
    return stop(hart, pc, DebugStop{DebugStop::Kind::kHardwareBreakpoint, hart.id()});
  if (!watches_.empty()) s.watch_hit = check_watch(hart, insn);
  if (s.stepping) s.stepped = true;
  return true;
}

}  // namespace unitag
