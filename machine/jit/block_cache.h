// The translation tier's cache: translated blocks keyed by the guest physical address of their
// first instruction, a small direct-mapped front for the dispatcher's lookups, and an index by
// physical page so a store into code (or fence.i) drops exactly the blocks it may have changed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace unitag::jit {

// What a block reads and reports through: guest registers (the hart's own array) and the inline
// memory window (translation.h's Window, as the interpreter's loop copies it).
struct BlockContext {
  uint64_t* x = nullptr;
  uint64_t window_base = 0, window_limit = 0;
  uint8_t* window_host = nullptr;
  const void* window_code_pages = nullptr;  // one flag byte per page of the window
  uint64_t next_pc = 0;                     // where the guest goes on
  uint64_t handed_back = 0;                 // 1: next_pc is an instruction the interpreter must run
};

// Runs a block; returns how many instructions it retired.
using BlockCode = uint64_t (*)(BlockContext*);

struct Block {
  uint64_t pc = 0;                   // first instruction's physical address
  uint64_t end_pc = 0;               // just past the last translated instruction
  BlockCode code = nullptr;          // nullptr: the first instruction is the interpreter's
  bool ends_at_interpreter = false;  // stops before an instruction the translator does not handle
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
  size_t size() const { return blocks_.size(); }

 private:
  static constexpr unsigned kPageBits = 12;
  static constexpr size_t kFrontEntries = 4096;
  static size_t front_slot(uint64_t pc) { return (pc >> 1) % kFrontEntries; }
  struct FrontEntry {
    Block block;
    bool valid = false;
  };
  mutable std::array<FrontEntry, kFrontEntries> front_{};
  std::unordered_map<uint64_t, Block> blocks_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> by_page_;  // page -> block start pcs
};

}  // namespace unitag::jit
