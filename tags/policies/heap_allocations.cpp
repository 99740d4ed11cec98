#include "tags/policies/heap_allocations.h"

#include <algorithm>

namespace unitag::tags {

uint32_t AllocationRegistry::add(uint64_t base, uint64_t size, uint64_t site, unsigned hart) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t colour = static_cast<uint32_t>(all_.size()) + kFirstColour;
  all_.push_back(Allocation{colour, base, size, site, 0, hart, 0, false});
  live_by_base_[base] = colour;
  return colour;
}

std::optional<Allocation> AllocationRegistry::by_colour(uint32_t colour) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (colour < kFirstColour || colour - kFirstColour >= all_.size()) return std::nullopt;
  return all_[colour - kFirstColour];
}

std::optional<Allocation> AllocationRegistry::live_containing(uint64_t addr) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_by_base_.upper_bound(addr);
  if (it == live_by_base_.begin()) return std::nullopt;
  const Allocation& a = all_[std::prev(it)->second - kFirstColour];
  if (addr < a.base + std::max<uint64_t>(a.size, 1)) return a;
  return std::nullopt;
}

std::optional<Allocation> AllocationRegistry::freed_containing(uint64_t addr) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = all_.rbegin(); it != all_.rend(); ++it)
    if (it->freed && addr >= it->base && addr < it->base + std::max<uint64_t>(it->size, 1))
      return *it;
  return std::nullopt;
}

void AllocationRegistry::mark_freed(uint32_t colour, uint64_t site, unsigned hart) {
  std::lock_guard<std::mutex> lock(mu_);
  if (colour < kFirstColour || colour - kFirstColour >= all_.size()) return;
  Allocation& a = all_[colour - kFirstColour];
  a.freed = true;
  a.free_site = site;
  a.free_hart = hart;
  auto it = live_by_base_.find(a.base);
  if (it != live_by_base_.end() && it->second == colour) live_by_base_.erase(it);
}

}  // namespace unitag::tags
