// What the gdb stub needs to see inside the execute loop: breakpoints (software and hardware
// alike: memory is never patched), watchpoints on the addresses loads and stores touch, and
// single steps. An ExecutionHooks that stops the machine with StopReason::kDebugger.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "machine/hart/hooks.h"

namespace unitag {

class Machine;

struct DebugStop {
  enum class Kind { kBreakpoint, kHardwareBreakpoint, kWatchpoint, kStep };
  Kind kind = Kind::kStep;
  unsigned hart = 0;
  uint64_t data_address = 0;  // watchpoints: the watched address that was accessed
  char watch_kind = 'w';      // 'w' write, 'r' read, 'a' access (gdb's watch/rwatch/awatch)
};

class DebugHooks final : public ExecutionHooks {
 public:
  // Breakpoint and watchpoint checks use no floating point, and a stop only records itself (the
  // debugger talks to gdb after the block ends), so the guest's FP flags need no saving here.
  bool uses_host_fp() const override { return false; }
  DebugHooks(Machine& machine, unsigned harts);

  // gdb Z/z packets. `kind` is 0..4 (Z0 software, Z1 hardware, Z2 write, Z3 read, Z4 access).
  bool insert(int kind, uint64_t addr, uint64_t length);
  bool remove(int kind, uint64_t addr, uint64_t length);
  void clear();  // on detach

  // Before the harts run again: harts in `step_harts` stop after one instruction; a hart
  // sitting on a breakpoint executes that instruction instead of stopping again at once.
  void resume(const std::vector<bool>& step_harts);
  // A stop that happened without a request (the turn ended right after a step or a watched
  // access): reported between turns, with the hart's pc already past the instruction.
  std::optional<DebugStop> pending_stop();
  // Why the last kDebugger stop request was made.
  std::optional<DebugStop> take_stop();

  bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) override;
  void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
  void on_trap(Hart&, uint64_t, uint64_t) override {}

 private:
  struct Watch {
    uint64_t addr, length;
    char kind;
  };
  struct HartState {
    bool skip_breakpoint = false;
    bool stepping = false, stepped = false;
    std::optional<DebugStop> watch_hit;  // reported before the hart's next instruction
  };
  bool stop(Hart& hart, uint64_t pc, DebugStop why);
  std::optional<DebugStop> check_watch(Hart& hart, const DecodedInsn& insn) const;

  Machine& machine_;
  std::set<uint64_t> software_, hardware_;
  std::vector<Watch> watches_;
  std::vector<HartState> harts_;
  std::optional<DebugStop> stop_;
};

}  // namespace unitag
