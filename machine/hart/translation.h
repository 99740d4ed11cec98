// A hart's view of memory: where a guest address's bytes live for this hart (host pointer,
// physical address) and what the hart may do there, cached per 4 KiB page like a TLB.
// Translation is the identity without paging, with PMP folded into each entry's permissions; the
// Sv39 walker (sv39.cpp) fills the same entries from its walks, and a partition window narrows
// them. Not the inline path itself: the execute loop reads the Window, the largest stretch
// where the hart's loads and stores need no check at all, and falls back to these entries.
#pragma once

#include <array>
#include <cstdint>

namespace unitag {

enum class AccessKind : uint8_t { kRead, kWrite, kFetch };

// Permission bits of a translation (PMP's r/w/x order).
inline constexpr uint8_t kPermRead = 1, kPermWrite = 2, kPermExec = 4;
constexpr uint8_t perm_for(AccessKind k) {
  return k == AccessKind::kRead ? kPermRead : k == AccessKind::kWrite ? kPermWrite : kPermExec;
}

// One translated address.
struct Translation {
  uint64_t paddr = 0;
  uint8_t* host = nullptr;  // the RAM bytes at paddr; nullptr: a device, or nothing mapped
};

// Guest addresses [base, base + limit + 7) are RAM this hart may load from and store to without
// any check; their bytes are at host + (addr - base) and their physical address is
// paddr + (addr - base). limit is the size minus 7, so an 8-byte access stays inside (0 = none).
struct Window {
  uint64_t base = 0, limit = 0, paddr = 0;
  uint8_t* host = nullptr;
};

class TranslationCache {
 public:
  static constexpr unsigned kPageBits = 12;
  // Direct-mapped by virtual page number; 4 MiB of reach, as paged workloads need (a flush
  // costs the same at any size: it starts a new generation).
  static constexpr unsigned kEntries = 1024;

  struct Entry {
    uint64_t vpage = kNone;   // virtual page number, kNone when empty
    uint64_t ppage = 0;       // physical page number
    uint8_t* host = nullptr;  // host address of the page's first byte (nullptr: not RAM)
    // What loads/stores (at the data privilege) and fetches (at the hart's privilege) may do
    // anywhere in the page; an entry is only made for a page where that is the same everywhere.
    uint8_t data_perms = 0, fetch_perms = 0;
    uint8_t leaf_level = 0;   // the page-table level of the leaf it came from (1: 2 MiB, 2: 1 GiB)
    uint32_t generation = 0;  // valid only in the cache's current generation
  };
  static constexpr uint64_t kNone = ~uint64_t{0};

  const Entry* find(uint64_t vaddr) const {
    const uint64_t vpage = vaddr >> kPageBits;
    const Entry& e = entries_[slot_of(vpage)];
    return e.vpage == vpage && e.generation == generation_ ? &e : nullptr;
  }
  void insert(const Entry& e) {
    Entry& slot = entries_[slot_of(e.vpage)];
    slot = e;
    slot.generation = generation_;
  }
  // After anything that changes translations or permissions: privilege, MPRV, PMP, satp.
  void flush() {
    if (++generation_ != 0) return;
    for (Entry& e : entries_) e.vpage = kNone;  // wrapped: old generations would match again
    generation_ = 1;
  }
  // sfence.vma with an address: every entry made from the leaf that maps `vaddr` (a superpage's
  // 4 KiB pieces may sit in any slot).
  void flush_leaf(uint64_t vaddr) {
    const uint64_t vpage = vaddr >> kPageBits;
    for (Entry& e : entries_)
      if (e.generation == generation_ && ((e.vpage ^ vpage) >> (9 * e.leaf_level)) == 0)
        e.vpage = kNone;
  }

  Window window;

 private:
  // Higher bits folded in: arrays a multiple of 4 MiB apart (a, b, c of a triad) would all
  // compete for one slot otherwise.
  static size_t slot_of(uint64_t vpage) {
    return (vpage ^ (vpage >> 10) ^ (vpage >> 20)) % kEntries;
  }
  std::array<Entry, kEntries> entries_{};
  uint32_t generation_ = 1;  // entries start in generation 0: empty
};

}  // namespace unitag
