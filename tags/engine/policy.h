// The one interface every tag policy implements. A policy chooses tags for code and data at load
// (from ImageFacts) and says, for each opgroup and input tags, whether the instruction is allowed
// and what the output tags are. It sees only its own 64-bit metadata words: the engine composes
// policies, interns tags, caches rules and reports. Policies with allocator duties (heap) also
// receive calls to bound functions and the custom-0 tag instructions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tags/engine/image_facts.h"
#include "tags/engine/opgroup.h"
#include "tags/report/source_lines.h"
#include "tags/store/tag_table.h"

namespace unitag::tags {

// Rule inputs a policy reads, per opgroup (unread inputs are zeroed before the policy sees them,
// so rules memoise well). A policy that keeps state in the PC tag must read kPc everywhere.
// rs1, rs2 and rs3 are the instruction's register sources whichever file they are in (integer or
// FP: a value moved through an FP register keeps its tag); rs3 exists only for fused multiply-adds.
enum Input : unsigned { kPc = 1, kCi = 2, kRs1 = 4, kRs2 = 8, kMem = 16, kRs3 = 32 };

struct RuleInputs {
  OpGroup op;
  Meta pc = 0, ci = 0, rs1 = 0, rs2 = 0, mem = 0;
  uint8_t overhang = kNoOverhang;
  uint8_t access_size = 0;  // bytes; for explain() only (rule() sees 0: not part of the key)
  Meta rs3 = 0;
};

// Outputs: the next PC tag, the tag of rd (when the opgroup writes rd) and of the memory word
// (when it writes memory). Anything not set is the default (0).
struct RuleOutputs {
  Meta pc = 0, rd = 0, mem = 0;
};

// Why an instruction is refused: a short rule name and one sentence (both static strings).
struct Denial {
  std::string_view rule;
  std::string_view reason;
};

enum class Site { kPc, kInstruction, kRegister, kMemory };

// A policy's view of one hart's tags (its own member only), for bound calls and tag instructions.
class TagAccess {
 public:
  virtual ~TagAccess() = default;
  virtual unsigned hart() const = 0;
  virtual uint64_t pc() const = 0;
  virtual uint64_t reg(unsigned r) const = 0;  // integer register value
  virtual Meta reg_meta(unsigned r) const = 0;
  virtual void set_reg_meta(unsigned r, Meta m) = 0;
  virtual Meta mem_meta(uint64_t addr) const = 0;
  // Applies f to the metadata of every word overlapping [base, base+size); costs modeled cycles.
  virtual void update_range(uint64_t base, uint64_t size, Meta (*f)(Meta, Meta), Meta arg) = 0;
  // For each word of [to, to+size): merge(its metadata, the metadata of the word at from + offset).
  virtual void copy_values(uint64_t from, uint64_t to, uint64_t size,
                           Meta (*merge)(Meta dst, Meta src)) = 0;
  virtual Meta pc_meta() const = 0;
  virtual void set_pc_meta(Meta m) = 0;
  virtual bool read_u64(uint64_t addr, uint64_t& value) const = 0;
};

// A call to a function the policy binds by symbol, from entry to return.
struct BoundCall {
  std::string_view function;
  uint64_t args[3] = {};
  Meta arg_meta[3] = {};
  uint64_t call_site = 0;  // the call instruction
  uint64_t result = 0;     // a0 at return
};

// What a report says about a violation beyond the rule: a kind ("heap-use-after-free") and
// lines on the faulting address's owner.
struct Explanation {
  std::string kind;
  std::string detail;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // one line: what it catches
  virtual uint32_t bit() const = 0;              // bit in unitag_bootinfo.policies
  virtual unsigned inputs(OpGroup op, bool pc_is_default) const = 0;
  // Options from `--policy NAME:KEY=VALUE[:KEY=VALUE...]`, before prepare(). Returns an error
  // message for an unknown key or a bad value.
  virtual std::optional<std::string> set_option(std::string_view key, std::string_view value) {
    return "unknown option '" + std::string(key) + "'";
  }
  // Each option as "key=VALUE: what it does" (for `unitag policies`).
  virtual std::vector<std::string> options() const { return {}; }
  // Once, before anything else: the image facts and source lines stay valid for the run.
  virtual void prepare(const ImageFacts& facts, const SourceLines& lines) {}
  // The instruction tag (CI) of the instruction at pc.
  virtual Meta code_meta(const ImageFacts& facts, uint64_t pc) const { return 0; }
  // Memory tags at load: called with each word's address inside `ranges` the policy returns.
  virtual std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(const ImageFacts& facts) const {
    return {};
  }
  virtual Meta memory_meta_at_load(const ImageFacts& facts, uint64_t word) const { return 0; }
  // How many trailing bytes (0-7) of a memory word with this metadata no access may touch: the
  // engine keeps the maximum over members in the tag handle, and an access reaching them
  // arrives at rule() with an Overhang. Must be 0 for metadata 0.
  virtual unsigned invalid_tail_bytes(Meta memory_meta) const { return 0; }
  virtual std::optional<Denial> rule(const RuleInputs& in, RuleOutputs& out) const = 0;
  // The metadata in words, for reports, traces and the monitor ("-" for the default).
  virtual std::string describe(Meta m, Site site) const = 0;

  // Functions bound by symbol; on_call may refuse the call (e.g. a double free).
  virtual std::vector<std::string> bound_functions(const ImageFacts& facts) const { return {}; }
  virtual std::optional<Denial> on_call(BoundCall& call, TagAccess& tags) { return std::nullopt; }
  virtual void on_return(const BoundCall& call, TagAccess& tags) {}
  // The custom-0 tag instructions, after the rule allowed them (authority is checked by rule).
  // rd_meta starts as the rule's output for rd and may be changed (tag.alloc colours rd).
  virtual std::optional<Denial> on_tag_instruction(OpGroup op, uint64_t rs1, uint64_t rs2,
                                                   Meta& rd_meta, TagAccess& tags) {
    return std::nullopt;
  }
  // Frame tracking: a policy that returns true is told of every checked instruction that writes
  // sp (x2), after its rule allowed it and before it runs, with sp's value before and after
  // (new_known false when the engine cannot tell the new value in advance). Not called for the
  // entry of a bound function (its frame is the allocator's business, like the rest of the call).
  virtual bool watches_stack_pointer() const { return false; }
  virtual void on_stack_pointer_write(uint64_t old_sp, uint64_t new_sp, bool new_known,
                                      TagAccess& tags) {}
  // Details for a report of this policy's denial at `addr` (has_addr false: no memory access).
  virtual Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                              uint64_t addr) const {
    return {};
  }
};

}  // namespace unitag::tags
