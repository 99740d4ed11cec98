#include "machine/jit/block_cache.h"

namespace unitag::jit {

const Block* BlockCache::insert(const Block& b) {
  blocks_[b.pc] = b;
  // A block never crosses a page (the translator stops at the page end), so its start's page
  // indexes all of it.
  by_page_[b.pc >> kPageBits].push_back(b.pc);
  FrontEntry& slot = front_[front_slot(b.pc)];
  slot.block = b;
  slot.valid = true;
  if (b.body) chain_[(b.pc >> 1) % kChainEntries] = ChainEntry{b.pc, b.body};
  return &slot.block;
}

// Only blocks overlapping the written bytes go (data next to code in one page is common), with
// 2 bytes of slack before them: a 4-byte instruction may start 2 bytes before the store.
void BlockCache::invalidate(uint64_t addr, uint64_t size) {
  const uint64_t lo = addr - 2, hi = addr + size;
  for (uint64_t page = lo >> kPageBits; page <= (hi - 1) >> kPageBits; ++page) {
    auto it = by_page_.find(page);
    if (it == by_page_.end()) continue;
    std::vector<uint64_t>& starts = it->second;
    for (size_t i = 0; i < starts.size();) {
      auto block = blocks_.find(starts[i]);
      // A block with no code still covers its first instruction.
      const uint64_t end = block == blocks_.end()             ? starts[i]
                           : block->second.end_pc > starts[i] ? block->second.end_pc
                                                              : starts[i] + 4;
      if (block != blocks_.end() && starts[i] < hi && end > lo) {
        FrontEntry& slot = front_[front_slot(starts[i])];
        if (slot.block.pc == starts[i]) slot.valid = false;
        ChainEntry& chained = chain_[(starts[i] >> 1) % kChainEntries];
        if (chained.pc == starts[i]) chained = ChainEntry{};
        blocks_.erase(block);
      } else if (block != blocks_.end()) {
        ++i;
        continue;
      }
      starts[i] = starts.back();
      starts.pop_back();
    }
    if (starts.empty()) by_page_.erase(it);
  }
}

void BlockCache::erase(uint64_t pc) {
  // by_page_ keeps the start: invalidate() skips starts with no block.
  if (blocks_.erase(pc) == 0) return;
  FrontEntry& slot = front_[front_slot(pc)];
  if (slot.block.pc == pc) slot.valid = false;
  ChainEntry& chained = chain_[(pc >> 1) % kChainEntries];
  if (chained.pc == pc) chained = ChainEntry{};
}

void BlockCache::clear() {
  blocks_.clear();
  by_page_.clear();
  for (FrontEntry& e : front_) e.valid = false;
  chain_.fill(ChainEntry{});
}

void BlockCache::unchain(uint64_t addr) {
  auto it = by_page_.find(addr >> kPageBits);
  if (it == by_page_.end()) return;
  for (const uint64_t start : it->second) {
    auto block = blocks_.find(start);
    if (block == blocks_.end() || addr - start >= block->second.end_pc - start) continue;
    ChainEntry& chained = chain_[(start >> 1) % kChainEntries];
    if (chained.pc == start) chained = ChainEntry{};
  }
}

}  // namespace unitag::jit
