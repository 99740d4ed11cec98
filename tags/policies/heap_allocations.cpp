#include "tags/policies/heap_allocations.h"

#include <algorithm>

namespace unitag::tags {

uint32_t AllocationRegistry::choose_colour(uint64_t base, uint64_t space) {
  if (palette_ == 0) return static_cast<uint32_t>(all_.size()) + kFirstColour;
  // The live neighbours below and above: a linear overflow or underflow from either side must
  // meet a different colour (the guarantee hardware colouring schemes give adjacent blocks).
  uint32_t below = kNoColour, above = kNoColour;
  auto it = live_by_base_.lower_bound({space, base});
  if (it != live_by_base_.end() && it->first.first == space)
    above = all_[it->second - kFirstColour].colour;
  if (it != live_by_base_.begin() && std::prev(it)->first.first == space)
    below = all_[std::prev(it)->second - kFirstColour].colour;
  for (uint32_t tries = 0; tries < palette_; ++tries) {
    const uint32_t c = kFirstColour + next_;
    next_ = (next_ + 1) % palette_;
    if (c != below && c != above) return c;
  }
  return kFirstColour + next_;  // a palette of 1 or 2: neighbours may share a colour
}

uint32_t AllocationRegistry::add(uint64_t base, uint64_t size, uint64_t site, unsigned hart,
                                 uint64_t space) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t colour = choose_colour(base, space);
  const uint32_t id = static_cast<uint32_t>(all_.size()) + kFirstColour;
  all_.push_back(Allocation{id, colour, base, size, site, 0, hart, 0, false, space});
  live_by_base_[{space, base}] = id;
  return colour;
}

namespace {
bool contains(const Allocation& a, uint64_t addr) {
  return addr >= a.base && addr < a.base + std::max<uint64_t>(a.size, 1);
}
uint64_t distance(const Allocation& a, uint64_t addr) {
  if (addr < a.base) return a.base - addr;
  const uint64_t end = a.base + std::max<uint64_t>(a.size, 1);
  return addr >= end ? addr - end + 1 : 0;
}
}  // namespace

std::optional<Allocation> AllocationRegistry::by_colour(uint32_t colour, uint64_t addr) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (colour < kFirstColour) return std::nullopt;
  if (palette_ == 0) {
    if (colour - kFirstColour >= all_.size()) return std::nullopt;
    return all_[colour - kFirstColour];
  }
  const Allocation* best = nullptr;
  for (auto it = all_.rbegin(); it != all_.rend(); ++it) {
    if (it->colour != colour) continue;
    if (contains(*it, addr)) return *it;
    if (best == nullptr ||
        (it->freed == best->freed && distance(*it, addr) < distance(*best, addr)) ||
        (!it->freed && best->freed))
      best = &*it;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::optional<Allocation> AllocationRegistry::live_containing(uint64_t addr, uint64_t space) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_by_base_.upper_bound({space, addr});
  if (it == live_by_base_.begin() || std::prev(it)->first.first != space) return std::nullopt;
  const Allocation& a = all_[std::prev(it)->second - kFirstColour];
  if (contains(a, addr)) return a;
  return std::nullopt;
}

std::optional<Allocation> AllocationRegistry::freed_containing(uint64_t addr,
                                                               uint64_t space) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = all_.rbegin(); it != all_.rend(); ++it)
    if (it->freed && it->space == space && contains(*it, addr)) return *it;
  return std::nullopt;
}

void AllocationRegistry::mark_freed(uint32_t id, uint64_t site, unsigned hart) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id < kFirstColour || id - kFirstColour >= all_.size()) return;
  Allocation& a = all_[id - kFirstColour];
  a.freed = true;
  a.free_site = site;
  a.free_hart = hart;
  auto it = live_by_base_.find({a.space, a.base});
  if (it != live_by_base_.end() && it->second == id) live_by_base_.erase(it);
}

}  // namespace unitag::tags
