// The translation tier's cache: translated blocks keyed by the guest physical address of their
// first instruction, a small direct-mapped front for the dispatcher's lookups, and an index by
// physical page so a store into code (or fence.i) drops exactly the blocks it may have changed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace unitag {
class Hart;
}

namespace unitag::jit {

// How generated code left: for the dispatcher to look up (and maybe translate) the next block,
// with an instruction for the interpreter, or with the budget spent.
// kRevalidate: a block specialised on tag-engine state found it moved (TagGuard, in
// BlockContext::guard) before running any instruction.
enum class ExitKind : uint32_t { kLookup = 0, kHandBack = 1, kBudget = 2, kRevalidate = 3 };

// Where a chained jump finds a block from generated code: body is the code past the
// prologue (the registers it sets up stay set across chained blocks).
struct ChainEntry {
  uint64_t pc = 1;  // never a pc: empty
  const void* body = nullptr;
};

// What a block reads and reports through: guest registers (the hart's own array), the inline
// memory window (translation.h's Window, as the interpreter's loop copies it), and the
// interpreter's step count and budget.
struct BlockContext {
  uint64_t* x = nullptr;
  uint64_t window_base = 0, window_limit = 0;
  uint8_t* window_host = nullptr;
  const void* window_code_pages = nullptr;  // one flag byte per page of the window
  uint64_t count = 0, limit = 0;            // the execute loop's steps and budget
  const ChainEntry* chain = nullptr;
  uint64_t next_pc = 0;  // where the guest goes on
  ExitKind exit = ExitKind::kLookup;
  uint64_t window_ram_offset = 0;  // the window's first byte's offset in RAM (memory tags)
  // FP (fp_emitter.cpp): the hart for out-of-line helpers, its f registers, mstatus (FS) and
  // frm (inline arithmetic rounds to nearest even only).
  Hart* hart = nullptr;
  uint64_t* f = nullptr;
  uint64_t* mstatus = nullptr;
  const uint32_t* frm = nullptr;
  void* guard = nullptr;  // with ExitKind::kRevalidate: the block's TagGuard
};

// Runs a block (and the blocks it chains to).
using BlockCode = void (*)(BlockContext*);

struct Block {
  uint64_t pc = 0;           // first instruction's physical address
  uint64_t end_pc = 0;       // just past the last translated instruction
  BlockCode code = nullptr;  // nullptr: the first instruction is the interpreter's
  const void* body = nullptr;
};

class BlockCache {
 public:
  const Block* find(uint64_t pc) const {
    const FrontEntry& e = front_[front_slot(pc)];
    if (e.valid && e.block.pc == pc) [[likely]]
      return &e.block;
    auto it = blocks_.find(pc);
    if (it == blocks_.end()) return nullptr;
    FrontEntry& slot = front_[front_slot(pc)];
    slot.block = it->second;
    slot.valid = true;
    return &slot.block;
  }
  const Block* insert(const Block& b);
  // Drops every block with an instruction in the pages [addr - 2, addr + size) touches.
  void invalidate(uint64_t addr, uint64_t size);
  void clear();
  // Drops the block starting at pc (chained jumps no longer enter it).
  void erase(uint64_t pc);
  // Chained jumps no longer enter the blocks holding the instruction at addr (they go back to
  // the dispatcher, which may decide not to run them).
  void unchain(uint64_t addr);
  size_t size() const { return blocks_.size(); }
  const ChainEntry* chain_table() const { return chain_.data(); }

  static constexpr unsigned kChainEntries = 4096;  // indexed by (pc >> 1) % kChainEntries

 private:
  static constexpr unsigned kPageBits = 12;
  static constexpr size_t kFrontEntries = 4096;
  static size_t front_slot(uint64_t pc) { return (pc >> 1) % kFrontEntries; }
  struct FrontEntry {
    Block block;
    bool valid = false;
  };
  mutable std::array<FrontEntry, kFrontEntries> front_{};
  std::array<ChainEntry, kChainEntries> chain_{};
  std::unordered_map<uint64_t, Block> blocks_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> by_page_;  // page -> block start pcs
};

}  // namespace unitag::jit
