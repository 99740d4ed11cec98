// The one interface every tag policy implements. A policy chooses tags for code and data at load
// (from ImageFacts) and says, for each opgroup and input tags, whether the instruction is allowed
// and what the output tags are. It sees only its own 64-bit metadata words: the engine composes
// policies, interns tags, caches rules and reports. Anything beyond the rule (allocator calls,
// tag instructions, sp moves, host writes) reaches a policy as an Event it subscribes to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "machine/hart/hooks.h"
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

// Why an instruction is refused: a short rule name, one sentence, and the kind a report files it
// under ("heap-buffer-overflow"; explain() may refine it). Each policy defines its denials once, as
// constants, and returns pointers to them: explain() tells them apart by address, not by name.
struct Denial {
  std::string_view rule;
  std::string_view reason;
  std::string_view kind;
};

enum class Site { kPc, kInstruction, kRegister, kMemory };

// A policy's view of one hart's tags (its own member only), for events. For a host write there
// is no hart: hart() is kNoHart, registers read 0 and ignore writes.
inline constexpr unsigned kNoHart = ~0u;
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
  // The policy's code_meta of the instruction that raised the event (as its decode computed
  // it); 0 where no instruction did (a host write).
  virtual Meta insn_meta() const { return 0; }
  virtual bool read_u64(uint64_t addr, uint64_t& value) const = 0;
  // For a tag instruction whose value is the policy's answer (tag.typeof): what rd receives.
  virtual void set_result(uint64_t value) {}
  // Which address space guest addresses name: 0 on the library OS and bare metal (one space),
  // the hart's satp on a firmware boot (each Linux process its own).
  virtual uint64_t address_space() const { return 0; }
};

// A call to a function the policy binds by symbol, from entry to return.
struct BoundCall {
  std::string_view function;
  uint64_t args[3] = {};
  Meta arg_meta[3] = {};   // the receiving policy's own metadata of the arguments (at entry)
  uint64_t call_site = 0;  // the call instruction
  uint64_t result = 0;     // a0 at return
};

// Events: what happens beyond an instruction's rule that a policy may need to see. A policy
// subscribes to a set (Policy::events) and the engine calls on_event for those only, so adding an
// event adds a struct here, never a method to Policy.
//
// An instruction writing sp, after its rule allowed it and before it runs (new_known false when
// the engine cannot tell the new value in advance). Not sent for the entry of a bound function.
struct StackPointerWrite {
  uint64_t old_sp = 0, new_sp = 0;
  bool new_known = false;
};
// Entry to a function the policy binds (bound_functions); the policy may refuse the call.
struct BoundCallEntry {
  const BoundCall& call;
};
// Return from that call (call.result set); the allocator's effects on tags are applied here.
struct BoundCallReturn {
  const BoundCall& call;
};
// A custom-0 tag instruction the rule allowed (authority is the rule's business). rd's tag starts
// as the rule's output; the policy may change it (tag.alloc colours rd) with set_reg_meta(rd).
struct TagInstruction {
  OpGroup op;
  unsigned rd;
  uint64_t rs1, rs2;
  Meta rs1_meta = 0;  // the receiving policy's metadata of rs1 before the instruction (tag.typeof)
};
// The host wrote guest memory (semihosting, a debugger, later DMA), after the bytes changed.
// The engine resets the words' metadata of every policy not subscribed to 0 (untagged data); a
// subscriber sets it itself (keeps what belongs to the location, e.g. an allocation's colour, or
// marks the data as coming from outside).
struct HostWrite {
  uint64_t addr = 0, size = 0;
  HostWriteSource source = HostWriteSource::kTool;
};
// The host is about to send guest memory [addr, addr+size) out of the machine (a semihosting
// write to the console or a file), before any byte leaves. A policy refuses by returning a
// denial, and sets `refused_word` to the first word it refuses, for the report.
struct HostRead {
  uint64_t addr = 0, size = 0;
  HostReadSink sink = HostReadSink::kConsole;
  mutable uint64_t refused_word = 0;
};
using Event = std::variant<StackPointerWrite, BoundCallEntry, BoundCallReturn, TagInstruction,
                           HostWrite, HostRead>;
namespace detail {
template <typename E, typename... Ts>
constexpr size_t index_in(const std::variant<Ts...>*) {
  const bool same[] = {std::is_same_v<E, Ts>...};
  for (size_t i = 0; i < sizeof...(Ts); ++i)
    if (same[i]) return i;
  return sizeof...(Ts);
}
}  // namespace detail
// The index of event type E in Event (a compile-time error for anything else).
template <typename E>
constexpr size_t event_index() {
  constexpr size_t i = detail::index_in<E>(static_cast<const Event*>(nullptr));
  static_assert(i < std::variant_size_v<Event>, "not an Event type");
  return i;
}

// A set of event types.
class EventSet {
 public:
  constexpr EventSet() = default;
  template <typename... E>
  static constexpr EventSet of() {
    EventSet s;
    ((s.bits_ |= 1u << event_index<E>()), ...);
    return s;
  }
  constexpr bool has(size_t event_index) const { return bits_ >> event_index & 1; }

 private:
  uint32_t bits_ = 0;
};

// What a report says about a violation beyond the rule: its kind when the denial's own kind is
// not precise enough (empty: the denial's), and lines on the faulting address's owner.
struct Explanation {
  std::string kind;
  std::string detail;
};

// A bit field of a policy's metadata at one site that holds an identity (an allocation's colour,
// a region, a key, a function): values in [first, last] name things, and the rule only compares
// them with each other for equality and copies them to outputs, never reads meaning into a
// value. The modeled rule cache then holds one rule for all identities (canonical_rules.h); the
// engine checks that every rule it merges this way gives the same outputs.
struct IdentityField {
  Site site;
  uint8_t shift, width;
  uint64_t first, last;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // one line: what it catches
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
  // The tag of every register of a device window outside RAM (the Device's name: "uart",
  // "clint", "test-finisher"): what a load from it returns and what a store into it reaches.
  virtual Meta device_meta(std::string_view device) const { return 0; }
  // How many trailing bytes (0-7) of a memory word with this metadata no access may touch: the
  // engine keeps the maximum over members in the tag handle, and an access reaching them
  // arrives at rule() with an Overhang. Must be 0 for metadata 0.
  virtual unsigned invalid_tail_bytes(Meta memory_meta) const { return 0; }
  // nullptr: allowed. Otherwise one of the policy's Denial constants.
  virtual const Denial* rule(const RuleInputs& in, RuleOutputs& out) const = 0;
  // The identity fields of this policy's metadata (none: every value is literal).
  virtual std::vector<IdentityField> identity_fields() const { return {}; }
  // False when this rule's result depends on more than the equality of these inputs' identities
  // (e.g. whether one region contains another): the modeled cache then keys it on the values.
  virtual bool identities_suffice(const RuleInputs& in) const { return true; }
  // The metadata in words, for reports, traces and the monitor ("-" for the default).
  virtual std::string describe(Meta m, Site site) const = 0;

  // Functions bound by symbol (asked only of policies subscribed to BoundCallEntry).
  virtual std::vector<std::string> bound_functions(const ImageFacts& facts) const { return {}; }
  // The events on_event is called with.
  virtual EventSet events() const { return {}; }
  // Returns a denial to refuse what the event stands for (a bound call, a tag instruction);
  // ignored for events that cannot be refused.
  virtual const Denial* on_event(const Event& e, TagAccess& tags) { return nullptr; }
  // Before a denial of a memory access at guest address `addr` is reported: whether the policy
  // can tell that the tags it refused on are ones it could not set earlier, and has set them now
  // (then the instruction is checked again). heap colours an allocation's words on a page the OS
  // mapped after malloc returned (Linux maps a process's heap on first touch), as a tagging
  // kernel's page-fault handler would.
  virtual bool repair(const Denial& d, const RuleInputs& in, uint64_t addr, TagAccess& tags) {
    return false;
  }
  // Details for a report of this policy's denial at `addr` (has_addr false: no memory access).
  virtual Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                              uint64_t addr) const {
    return {};
  }
};

}  // namespace unitag::tags
