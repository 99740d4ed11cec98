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

// Where an access falls in a word whose handle has invalid tail bytes (some member's: the handle
// keeps the maximum): its offset and size, in the key's op word, so that each member judges the
// access against its own tail bytes. Absent (0) for every other access.
inline constexpr uint32_t kShapeBit = 1u << 8;
inline uint32_t access_shape(uint64_t addr, unsigned size) {
  return kShapeBit | static_cast<uint32_t>(addr & 7) << 9 | (size & 15u) << 12;
}
// The Overhang of a `size`-byte access at byte `offset` of a word whose last `tail_bytes` are
// invalid. A misaligned access spanning two words is judged on the first word only.
inline Overhang overhang_of(unsigned tail_bytes, unsigned offset, unsigned size) {
  if (offset + size <= 8 - tail_bytes) return kNoOverhang;
  return offset == 0 && size == 8 ? kWholeWord : kPastValidBytes;
}
inline Overhang access_overhang(Tag mem, uint64_t addr, unsigned size) {
  return overhang_of(tail_invalid_bytes(mem), addr & 7, size);
}

// A rule's inputs packed in four words (built in registers; 32-bit fields read back as 64-bit
// words would stall store forwarding on every instruction). op: the opgroup, with bit 7 set
// when the PC tag is the default (masks depend on it), and from bit 8 the access's shape
// (access_shape): 0 except for accesses to a word with invalid tail
// bytes. rs3 is the third source of the fused multiply-adds (0 for everything else).
struct RuleKey {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  static RuleKey make(uint32_t op, Tag pc, Tag ci, Tag rs1, Tag rs2, Tag mem, Tag rs3 = 0) {
    return RuleKey{uint64_t{op} | uint64_t{pc} << 32, uint64_t{ci} | uint64_t{rs1} << 32,
                   uint64_t{rs2} | uint64_t{mem} << 32, uint64_t{rs3}};
  }
  uint32_t op() const { return static_cast<uint32_t>(a); }
  Tag pc() const { return static_cast<Tag>(a >> 32); }
  Tag ci() const { return static_cast<Tag>(b); }
  Tag rs1() const { return static_cast<Tag>(b >> 32); }
  Tag rs2() const { return static_cast<Tag>(c); }
  Tag mem() const { return static_cast<Tag>(c >> 32); }
  Tag rs3() const { return static_cast<Tag>(d); }
  // How the access meets a member's invalid tail bytes.
  Overhang overhang_for(unsigned tail_bytes) const {
    if (!(op() & kShapeBit)) return kNoOverhang;
    return overhang_of(tail_bytes, op() >> 9 & 7, op() >> 12 & 15);
  }
  bool operator==(const RuleKey&) const = default;
};

// Independent multiplies (they run in parallel): this hash is on every rule lookup.
struct RuleKeyHash {
  size_t operator()(const RuleKey& k) const {
    const uint64_t h = k.a * 0x9e3779b97f4a7c15ull ^ k.b * 0xff51afd7ed558ccdull ^
                       k.c * 0xc4ceb9fe1a85ec53ull ^ k.d * 0xd6e8feb86659fd93ull;
    return static_cast<size_t>(h ^ (h >> 29) ^ (h >> 47));
  }
};

struct RuleResult {
  bool allow = true;
  uint8_t denying_policy = 0;  // member index when !allow
  uint16_t denial = 0;         // engine's denial index when !allow
  Tag pc = 0, rd = 0, mem = 0;
  uint32_t canonical = 0;            // the canonical rule it belongs to (the modeled cache's key)
  uint32_t canonical_set_index = 0;  // where the modeled cache looks for it (its content's hash)
};

class RuleCache {
 public:
  // entries 0: ideal cache. ways is clamped to [1, entries].
  RuleCache(unsigned entries, unsigned ways);
  // The cached result, or nullptr when the host must compute it (then insert() it).
  // `modeled_miss` says whether the modeled hardware missed (the ideal cache misses only on a
  // rule's first use, even when its host-side table has to be refilled).
  const RuleResult* lookup(const RuleKey& k, size_t hash, bool& modeled_miss) {
    Entry* set = &entries_[(hash & set_mask_) * ways_];
    if (set[0].valid && set[0].key == k) [[likely]] {  // most recently used way first
      ++hits;
      modeled_miss = false;
      return &set[0].result;
    }
    return lookup_slow(set, k, modeled_miss);
  }
  void insert(const RuleKey& k, size_t hash, const RuleResult& r);
  // Changes whenever an entry may have been evicted (on every insert): a rule found in the cache
  // is still there as long as the epoch has not moved.
  uint64_t epoch() const { return epoch_; }
  uint64_t hits = 0, misses = 0;

 private:
  struct Entry {
    RuleKey key;
    RuleResult result;
    bool valid = false;
  };
  const RuleResult* lookup_slow(Entry* set, const RuleKey& k, bool& modeled_miss);
  uint64_t epoch_ = 0;
  unsigned ways_;
  size_t set_mask_;
  std::vector<Entry> entries_;
  bool ideal_;
  std::unordered_set<RuleKey, RuleKeyHash> seen_;  // ideal cache: rules already loaded
};

}  // namespace unitag::tags
