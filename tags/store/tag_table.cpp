#include "tags/store/tag_table.h"

#include <stdexcept>

namespace unitag::tags {

TagTable::TagTable() : chunks_(new std::atomic<Chunk*>[kMaxChunks]) {
  for (size_t i = 0; i < kMaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  intern(TagTuple{});  // handle 0: the default tag
}

TagTable::~TagTable() {
  for (size_t i = 0; i < kMaxChunks; ++i) delete chunks_[i].load(std::memory_order_relaxed);
}

Tag TagTable::intern(const TagTuple& t) {
  // The default tag (handle 0, interned by the constructor) is most rule outputs.
  if (t == TagTuple{} && size_.load(std::memory_order_acquire) > 0) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = index_.find(t); it != index_.end()) return it->second;
  const size_t n = size_.load(std::memory_order_relaxed);
  if (n >= kMaxChunks << kChunkBits)
    throw std::runtime_error("tag table full (2^28 distinct tags)");
  Chunk* chunk = chunks_[n >> kChunkBits].load(std::memory_order_relaxed);
  if (chunk == nullptr) {
    chunk = new Chunk();
    chunks_[n >> kChunkBits].store(chunk, std::memory_order_release);
  }
  (*chunk)[n & kChunkMask] = t;
  const unsigned tail = tail_ ? tail_(t, tail_context_) : 0;
  if (tail > 7) throw std::logic_error("a tag's invalid tail bytes must be 0-7");
  const Tag handle = static_cast<Tag>(n) | static_cast<Tag>(tail) << kTailShift;
  index_.emplace(t, handle);
  size_.store(n + 1, std::memory_order_release);
  return handle;
}

Tag TagTable::with_member(Tag t, size_t m, Meta value) {
  if (get(t).member[m] == value) return t;
  TagTuple copy = get(t);
  copy.member[m] = value;
  return intern(copy);
}

}  // namespace unitag::tags
