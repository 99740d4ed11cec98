// Interned tag metadata. A tag is a 32-bit handle; what it means is a tuple with one 64-bit
// metadata word per active policy (a single policy's run is a 1-tuple). Tuples are immutable
// and interned, so tag equality is handle equality and rule keys stay small. A handle's top
// bits also say how many trailing bytes of a memory word carrying it are invalid (byte-granular
// allocation ends), so the per-instruction check reads that without looking up the tuple.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "tags/store/zeroed_pages.h"

namespace unitag::tags {

using Tag = uint32_t;   // handle; 0 is the default tag (every member's metadata is 0)
using Meta = uint64_t;  // one policy's metadata; its meaning belongs to that policy

// Handle layout: bits 0-27 index the table (2^28 tags at most), bits 29-31 are the word's
// invalid tail bytes (0-7: a memory word with this tag holds 8 - n valid bytes, like HWASan's
// short granules), a deterministic function of the tuple chosen by the table's owner.
inline constexpr unsigned kTailShift = 29;
inline constexpr Tag kTagIndexMask = (Tag{1} << kTailShift) - 1;
inline constexpr unsigned tail_invalid_bytes(Tag t) { return t >> kTailShift; }

// How a memory access meets a word whose tag makes its last bytes invalid (see
// Policy::invalid_tail_bytes): part of the memory input, 0 unless the policy reads kMem.
enum Overhang : uint8_t {
  kNoOverhang = 0,
  kPastValidBytes = 1,  // the access touches bytes past the word's valid ones
  kWholeWord = 2,       // a naturally aligned 8-byte access of such a word (word-at-a-time code)
};

// Every registered policy at once (registry.cpp checks the count).
inline constexpr size_t kMaxPolicies = 11;

struct TagTuple {
  std::array<Meta, kMaxPolicies> member{};
  bool operator==(const TagTuple&) const = default;
};

struct TagTupleHash {
  size_t operator()(const TagTuple& t) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (Meta m : t.member) h = (h ^ m) * 0xff51afd7ed558ccdull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

// Thread-safe: intern() takes a lock; get() does not (storage is chunked and never moves).
class TagTable {
 public:
  TagTable();
  ~TagTable();
  TagTable(const TagTable&) = delete;
  TagTable& operator=(const TagTable&) = delete;
  Tag intern(const TagTuple& t);
  const TagTuple& get(Tag t) const {
    const Tag index = t & kTagIndexMask;
    return chunks_[index >> kChunkBits].load(std::memory_order_acquire)[index & kChunkMask];
  }
  // How many trailing bytes of a memory word a tuple makes invalid (0-7; 0 for the default
  // tuple). Set once, before any tuple other than the default is interned.
  using TailFunction = unsigned (*)(const TagTuple&, const void* context);
  void set_tail_function(TailFunction f, const void* context) {
    tail_ = f;
    tail_context_ = context;
  }
  Meta member(Tag t, size_t m) const { return get(t).member[m]; }
  // The tag equal to `t` except that member m's metadata is `value`.
  Tag with_member(Tag t, size_t m, Meta value);
  size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  // A chunk is 2.75 MiB of tuples: on huge pages where the host has them (ZeroedPages).
  static constexpr unsigned kChunkBits = 15;
  static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;
  static constexpr size_t kMaxChunks = 1u << (28 - kChunkBits);  // 2^28 tags
  std::unique_ptr<std::atomic<TagTuple*>[]> chunks_;
  std::vector<ZeroedPages> chunk_pages_;  // owns chunks_' memory; under mu_
  std::atomic<size_t> size_{0};
  // The index from tuple to handle, open-addressed: each slot holds the tuple's hash's low half
  // and handle + 1 (0: empty). A node-based map allocated a node per tuple and chased a pointer
  // per probe; the allocators' colouring interns tens of thousands of tuples.
  ZeroedPages slot_pages_;
  size_t slot_count_ = 0;  // a power of two
  uint64_t* slots() const { return static_cast<uint64_t*>(slot_pages_.data()); }
  // The slot holding t (hash h), or the empty slot where it would go.
  uint64_t& slot_for(const TagTuple& t, uint64_t h);
  void grow();
  std::mutex mu_;
  uint64_t serial_;  // with_member's memo tells tables apart by it
  TailFunction tail_ = nullptr;
  const void* tail_context_ = nullptr;
};

}  // namespace unitag::tags
