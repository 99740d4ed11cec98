// Instruction trace: one line per executed instruction (hart, PC, symbol, bits, disassembly,
// the register written and its new value, and what the hart's other hooks, e.g. a tag engine,
// decided). An ExecutionHooks, so it composes with a tag engine through HookChain.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "machine/hart/hooks.h"
#include "machine/isa/insn.h"

namespace unitag {

class Machine;
class ElfImage;

struct TraceOptions {
  struct Range {
    uint64_t lo = 0, hi = 0;  // [lo, hi)
  };
  std::vector<Range> ranges;  // empty: trace everything
  uint64_t limit = 0;         // lines; 0 = no limit
};

class Tracer final : public ExecutionHooks {
 public:
  // Tracing formats integers only: the guest's pending FP flags need not be saved around it.
  bool uses_host_fp() const override { return false; }
  // `out` stays owned by the caller. `describers[h]` (may be null) is asked for describe_last()
  // of hart h's instruction: the hook that was on the hart before the tracer (a tag engine).
  Tracer(std::FILE* out, const Machine& machine, TraceOptions options,
         std::vector<const ExecutionHooks*> describers);

  bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) override;
  void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
  void on_trap(Hart& hart, uint64_t cause, uint64_t epc) override;

  // Writes the lines still waiting for their result. The instruction at `stopped_pc` on
  // `stopped_hart` (>= 0) was suppressed by a stop (a violation) and is logged with `why`.
  void finish(const std::vector<Hart*>& harts, int stopped_hart, uint64_t stopped_pc,
              const std::string& why);
  uint64_t lines() const { return lines_; }

 private:
  // An instruction is logged when the next one on its hart starts, so its result is known.
  struct Pending {
    bool valid = false;
    uint64_t pc = 0;
    DecodedInsn insn;
    std::string tags;  // describe_last() as it was when the instruction started
  };
  bool in_filter(uint64_t pc) const;
  // Counts a line against --trace-limit; false (after one notice) once the cap is reached.
  bool reserve_line();
  void write(const Hart& hart, const Pending& p, const std::string& effect);
  void flush(const Hart& hart, Pending& p);

  std::FILE* out_;
  const Machine& machine_;
  TraceOptions options_;
  std::vector<const ExecutionHooks*> describers_;
  std::vector<Pending> pending_;  // by hart id
  struct StaticText {
    uint32_t raw = 0;
    uint8_t len = 0;
    std::string text;  // "0x... symbol bits disassembly", padded as in a trace line
  };
  std::unordered_map<uint64_t, StaticText> static_text_;  // by PC
  std::mutex mu_;                                         // harts may run on parallel threads
  uint64_t lines_ = 0;
  bool capped_ = false;
};

// Parses "LO:HI" (hex with 0x, or decimal); throws UserError naming the flag.
TraceOptions::Range parse_trace_range(const std::string& text);
// The extent of function `name` from the symbol table; throws UserError when unknown or sizeless.
TraceOptions::Range symbol_trace_range(const ElfImage& image, const std::string& name);

}  // namespace unitag
