// Tags compiled into translated blocks: the per-instruction check of a lone tagged hart (its
// rule-reuse common path, tags/engine/hart_tagger_loop.cpp) emitted inline before each
// instruction, and an exit handing the instruction back to the tagged interpreter loop whenever
// its input tags differ from the ones its code entry last allowed. The machine knows nothing of
// tags: the tag engine describes where its state lives (TagLayout) and the emitter reads it there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "machine/isa/insn.h"

namespace Xbyak {
class CodeGenerator;
class Label;
class Reg64;
}  // namespace Xbyak

namespace unitag::jit {

// Where a tag engine keeps what its common-path check reads and writes. Every pointer stays
// valid while the layout is in use; only what `entries` points at may change between blocks
// (the engine's table of code entries grows, never while a block runs).
struct TagLayout {
  uint32_t* tag_file = nullptr;  // register tags: x[0..32] (x[32]: the x0 sink), f at f_base
  unsigned f_base = 0, pc_slot = 0;
  // One entry per instruction address (DecodedInsn::hook_data indexes them), entry_size apart.
  uint8_t* const* entries = nullptr;
  size_t entry_size = 0;
  // Per entry (same index) the rule it held before, laid out like an entry's first fields (the
  // same offsets below): reused when the current one's inputs differ.
  uint8_t* const* previous = nullptr;
  size_t previous_size = 0;
  // Offsets in an entry: the raw input tags of its last allowed rule, that rule's output tags,
  // the cache epoch it was looked up in, and which source operands any policy reads (masks;
  // fixed when the instruction is decoded, so read at translation time).
  size_t last_pc = 0, last_rs1 = 0, last_rs2 = 0, last_rs3 = 0, last_mem = 0;
  size_t out_pc = 0, out_rd = 0, out_mem = 0, epoch = 0;
  size_t rs1_mask = 0, rs2_mask = 0, rs3_mask = 0;
  const uint32_t* current_epoch = nullptr;    // what an entry's epoch must equal
  const uint32_t* entries_version = nullptr;  // bumped when any entry's rule changes
  uint64_t* prev_pc = nullptr;                // the last instruction allowed
  uint64_t* checked = nullptr;                // instructions checked on the common path
  // Memory tags: one 32-bit tag per 8-byte word of all RAM (at ram_base), from its first byte.
  const uint32_t* memory_tags = nullptr;
  uint64_t ram_base = 0;
  // A changed memory tag (rare: stores whose rule gives the word another tag).
  void (*set_memory_tag)(void* owner, uint64_t paddr, uint32_t tag) = nullptr;
  void* owner = nullptr;
};

// A block specialised on its instructions' code entries as they were when it was translated:
// their last allowed rules' tags are immediates in its code, so it checks only what the block
// cannot know (the tags it starts with, memory tags) and writes only tags that change. It is
// valid while every such entry still holds that rule in the current epoch; its code compares
// `epoch` and `version` with the engine's at entry and, when either moved, leaves for
// revalidate() (kRevalidate), which sees whether the entries still hold the same rules.
struct TagGuard {
  struct Snapshot {
    uint32_t entry;  // DecodedInsn::hook_data
    uint32_t last_pc, last_rs1, last_rs2, last_rs3, last_mem, out_pc, out_rd, out_mem;
  };
  struct Validated {
    uint32_t epoch = 0, version = 0;
  } validated;                      // what the block's code compares (at the guard's address)
  std::vector<Snapshot> snapshots;  // the entries the block specialised on
  unsigned not_ready = 0;           // revalidations refused for entries not yet looked up again
  unsigned hot_revalidations = 0;   // revalidations soon after the one before
  uint64_t last_revalidation = 0;   // the hart's step count at the last one

  enum class Revalidation { kValid, kNotReady, kChanged };
  // kValid: the same rules in the current epoch (the guard now says so). kNotReady: some entry
  // is from an older epoch (the interpreter looks it up again on its next run). kChanged: some
  // entry holds another rule, or none: the block must be translated again.
  Revalidation revalidate(const TagLayout& layout);
};

// Emits the checks of one block (one instance per block: its out-of-line paths follow it).
class TagCheckEmitter {
 public:
  // `context` holds the block's context, whose `window_ram_offset` slot holds the memory
  // window's offset in RAM. With a guard, the checks are specialised on the entries (TagGuard).
  TagCheckEmitter(Xbyak::CodeGenerator& code, const TagLayout& layout, const Xbyak::Reg64& context,
                  size_t window_ram_offset, TagGuard* guard);
  ~TagCheckEmitter();

  // Whether `d` can carry a compiled check (anything else stays in the interpreter).
  static bool checks(const DecodedInsn& d);
  // Before the block's body (chained blocks jump past it: the registers stay loaded across
  // them) and after calls: loads the registers the checks keep (r8-r11: the PC tag, the epoch
  // and entries' version, the tag file, the code entries; rdi: the window's memory tags).
  void enter();
  // At the body's start, specialised blocks only: jumps to `revalidate` unless the engine's
  // epoch and entries are still those the guard was validated for.
  void guard(Xbyak::Label& revalidate);
  // Before any exit from the body (to the dispatcher or a chained block): the PC tag back to
  // the tag file.
  void leave();
  // Before an exit handing back the block's instruction `index` (the ones before it retired):
  // the last instruction allowed, for reports.
  void leave_before(size_t index);
  // Around a call out of generated code (which may clobber r8-r11).
  void before_call();
  void after_call();
  // The check of `d` at pc, before it runs: jumps to `differs` (an exit before the instruction)
  // unless its input tags equal its entry's last allowed ones; else applies the entry's output
  // tags. For a memory access, rax holds the access's offset in the window (kept). `last`: the
  // block's last instruction (the last one allowed when the block leaves after it).
  void check(const DecodedInsn& d, uint64_t pc, Xbyak::Label& differs, bool last);
  // The out-of-line paths of the checks emitted so far (after the block's last instruction).
  void finish();

 private:
  struct Stub;
  struct PreviousRule;
  // The check reading the code entry at run time (an entry with no rule to specialise on).
  void check_generic(const DecodedInsn& d, Xbyak::Label& differs);
  // Compares the input tags with the rule at [rule + at] (an entry, or the rule it held before:
  // the same layout), jumping to `differs` unless equal, then applies its outputs.
  void reuse_rule(const DecodedInsn& d, const Xbyak::Reg64& rule, uint32_t at,
                  Xbyak::Label& differs);
  // The check with the entry's rule as immediates (guard_ holds `s`).
  void check_specialised(const DecodedInsn& d, const TagGuard::Snapshot& s, Xbyak::Label& differs);
  // What the block's code has established, while the entries are the snapshot's, about the tag
  // a tag-file slot (by byte offset; the PC tag's slot: kPcTag) holds at this point of the body.
  void forget(int slot) { known_[slot].reset(); }
  std::optional<uint32_t>& known(int slot) { return known_[slot]; }

  Xbyak::CodeGenerator& c_;
  const TagLayout& layout_;
  const Xbyak::Reg64& context_;
  const size_t window_ram_offset_;
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::vector<std::unique_ptr<PreviousRule>> previous_rules_;
  std::vector<uint64_t> checked_pcs_;  // per instruction of the block, in order
  TagGuard* const guard_;
  std::unordered_map<int, std::optional<uint32_t>> known_;  // by byte offset in the tag file
};

}  // namespace unitag::jit
