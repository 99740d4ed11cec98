#include "tags/engine/rule_cache.h"

#include <algorithm>
#include <bit>

namespace unitag::tags {

RuleCache::RuleCache(unsigned entries, unsigned ways) : ideal_(entries == 0) {
  if (ideal_) {
    // The ideal cache still needs a fast path: a large direct-mapped host table in front of it.
    entries = 1u << 16;
    ways = 1;
  }
  ways_ = std::clamp(ways, 1u, entries);
  const size_t sets = std::bit_floor(std::max<size_t>(1, entries / ways_));
  set_mask_ = sets - 1;
  entries_.resize(sets * ways_);
}

const RuleResult* RuleCache::lookup_slow(Entry* set, const RuleKey& k, bool& modeled_miss) {
  modeled_miss = false;
  for (unsigned w = 1; w < ways_; ++w) {
    if (set[w].valid && set[w].key == k) {
      ++hits;
      if (w != 0) {  // move to front: LRU order within the set
        Entry e = set[w];
        std::move_backward(set, set + w, set + w + 1);
        set[0] = e;
      }
      return &set[0].result;
    }
  }
  if (ideal_ && seen_.count(k)) {  // evicted from the host table only: still a hit when ideal
    ++hits;
    return nullptr;
  }
  ++misses;
  modeled_miss = true;
  return nullptr;
}

void RuleCache::insert(const RuleKey& k, size_t hash, const RuleResult& r) {
  ++epoch_;
  Entry* set = &entries_[(hash & set_mask_) * ways_];
  std::move_backward(set, set + ways_ - 1, set + ways_);
  set[0] = Entry{k, r, true};
  if (ideal_) seen_.insert(k);
}

}  // namespace unitag::tags
