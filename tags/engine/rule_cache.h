// Rules and the modeled rule cache (the PUMP): a finite, set-associative, LRU cache of rules
// keyed on the masked input tags. It is both the hart's fast path and the hardware model: its
// hits and misses are the figures the modeled cycle count is built from. Size 0 models an
// ideal (unbounded) cache: only a rule's first use misses. One per tagged hart.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>

#include "tags/store/tag_table.h"

namespace unitag::tags {

struct RuleKey {
  uint8_t op = 0;
  Tag pc = 0, ci = 0, rs1 = 0, rs2 = 0, mem = 0;
  bool operator==(const RuleKey&) const = default;
};

struct RuleKeyHash {
  size_t operator()(const RuleKey& k) const {
    uint64_t h = k.op * 0x9e3779b97f4a7c15ull;
    h = (h ^ k.pc) * 0xff51afd7ed558ccdull;
    h = (h ^ k.ci) * 0xc4ceb9fe1a85ec53ull;
    h = (h ^ k.rs1) * 0xff51afd7ed558ccdull;
    h = (h ^ k.rs2) * 0xc4ceb9fe1a85ec53ull;
    h = (h ^ k.mem) * 0xff51afd7ed558ccdull;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};

struct RuleResult {
  bool allow = true;
  uint8_t denying_policy = 0;  // member index when !allow
  uint16_t denial = 0;         // engine's denial index when !allow
  Tag pc = 0, rd = 0, mem = 0;
};

class RuleCache {
 public:
  // entries 0: ideal cache. ways is clamped to [1, entries].
  RuleCache(unsigned entries, unsigned ways);
  // The cached result, or nullptr when the host must compute it (then insert() it).
  // `modeled_miss` says whether the modeled hardware missed (the ideal cache misses only on a
  // rule's first use, even when its host-side table has to be refilled).
  const RuleResult* lookup(const RuleKey& k, size_t hash, bool& modeled_miss);
  void insert(const RuleKey& k, size_t hash, const RuleResult& r);
  uint64_t hits = 0, misses = 0;

 private:
  struct Entry {
    RuleKey key;
    RuleResult result;
    bool valid = false;
  };
  unsigned ways_;
  size_t set_mask_;
  std::vector<Entry> entries_;
  bool ideal_;
  std::unordered_set<RuleKey, RuleKeyHash> seen_;  // ideal cache: rules already loaded
};

}  // namespace unitag::tags
