#include "tags/store/tag_table.h"

#include <stdexcept>
#include <utility>

namespace unitag::tags {

namespace {
// Tables are told apart by a serial number, not their address: a table built where a destroyed
// one lived must not meet the old one's memo entries.
std::atomic<uint64_t> next_table_serial{1};

// with_member's answers, per thread: handles never change meaning in a table that only grows,
// so an entry stays true for as long as its table lives. Frames and allocations re-tag runs of
// words whose tags differ (so the caller's run-length shortcut misses), but the same few
// (tag, member, value) triples recur: this spares each a tuple copy, a hash and the table lock.
struct WithMemberMemo {
  uint64_t table = 0;
  Tag tag = 0;
  uint32_t member = 0;
  Meta value = 0;
  Tag result = 0;
};
constexpr size_t kMemoEntries = 4096;
thread_local std::array<WithMemberMemo, kMemoEntries> with_member_memo;
}  // namespace

TagTable::TagTable()
    : chunks_(new std::atomic<TagTuple*>[kMaxChunks]),
      slot_pages_(1024 * sizeof(uint64_t)),
      slot_count_(1024),
      serial_(next_table_serial.fetch_add(1, std::memory_order_relaxed)) {
  for (size_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  intern(TagTuple{});  // handle 0: the default tag
}

TagTable::~TagTable() = default;

uint64_t& TagTable::slot_for(const TagTuple& t, uint64_t h) {
  const size_t mask = slot_count_ - 1;
  const uint64_t check = h & 0xffffffffu;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    uint64_t& s = slots()[i];
    if (s == 0 || ((s >> 32) == check && get(static_cast<Tag>(s) - 1) == t)) return s;
  }
}

void TagTable::grow() {
  ZeroedPages old_pages =
      std::exchange(slot_pages_, ZeroedPages(slot_count_ * 2 * sizeof(uint64_t)));
  const auto* old = static_cast<const uint64_t*>(old_pages.data());
  const size_t old_count = slot_count_;
  slot_count_ *= 2;
  uint64_t* slots = this->slots();
  // A slot holds its hash's low half, which is where it goes (the table never passes 2^32
  // slots): growing reads no tuple, and every tuple is distinct, so the first free slot is it.
  const size_t mask = slot_count_ - 1;
  for (size_t i = 0; i < old_count; ++i) {
    if (old[i] == 0) continue;
    size_t j = (old[i] >> 32) & mask;
    while (slots[j] != 0) j = (j + 1) & mask;
    slots[j] = old[i];
  }
}

Tag TagTable::intern(const TagTuple& t) {
  // The default tag (handle 0, interned by the constructor) is most rule outputs.
  if (t == TagTuple{} && size_.load(std::memory_order_acquire) > 0) return 0;
  const uint64_t h = TagTupleHash{}(t);
  std::lock_guard<std::mutex> lock(mu_);
  if (const uint64_t s = slot_for(t, h); s != 0) return static_cast<Tag>(s) - 1;
  const size_t n = size_.load(std::memory_order_relaxed);
  if (n >= kMaxChunks << kChunkBits)
    throw std::runtime_error("tag table full (2^28 distinct tags)");
  TagTuple* chunk = chunks_[n >> kChunkBits].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    // Zeroed by the host: the default tuple's bytes (TagTuple is an implicit-lifetime aggregate).
    chunk_pages_.emplace_back((size_t{1} << kChunkBits) * sizeof(TagTuple));
    chunk = static_cast<TagTuple*>(chunk_pages_.back().data());
    chunks_[n >> kChunkBits].store(chunk, std::memory_order_release);
  }
  chunk[n & kChunkMask] = t;
  const unsigned tail = tail_ ? tail_(t, tail_context_) : 0;
  if (tail > 7) throw std::logic_error("a tag's invalid tail bytes must be 0-7");
  const Tag handle = static_cast<Tag>(n) | static_cast<Tag>(tail) << kTailShift;
  size_.store(n + 1, std::memory_order_release);
  if ((n + 1) * 2 > slot_count_) grow();  // at most half full: probes stay short
  slot_for(t, h) = (h & 0xffffffffu) << 32 | (uint64_t{handle} + 1);
  return handle;
}

Tag TagTable::with_member(Tag t, size_t m, Meta value) {
  if (get(t).member[m] == value) return t;
  const uint64_t h = (uint64_t{t} * 0x9e3779b97f4a7c15ull) ^ (value * 0xc2b2ae3d27d4eb4full) ^ m;
  WithMemberMemo& e = with_member_memo[(h >> 20) % kMemoEntries];
  if (e.table == serial_ && e.tag == t && e.member == m && e.value == value) return e.result;
  TagTuple copy = get(t);
  copy.member[m] = value;
  const Tag result = intern(copy);
  e = {serial_, t, static_cast<uint32_t>(m), value, result};
  return result;
}

}  // namespace unitag::tags
