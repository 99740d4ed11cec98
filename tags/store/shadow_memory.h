// Memory tags: one Tag per 8-byte word of RAM, in one flat reservation of address space parallel
// to RAM that the host OS backs page by page on first write, so memory use follows what is
// tagged, not --mem; untouched shadow reads as the default tag. A read is one bounds test and
// one load: it is on every tagged memory access. Words outside RAM (devices) always carry the
// default tag. Shared by all harts of a machine.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "tags/store/tag_table.h"

namespace unitag::tags {

class ShadowMemory {
 public:
  static constexpr uint64_t kRamBase = 0x80000000ull;
  static constexpr unsigned kPageBits = 12;
  static constexpr unsigned kWordsPerPage = (1u << kPageBits) / 8;  // shadow pages counted

  // Throws std::runtime_error when the host refuses the reservation.
  explicit ShadowMemory(uint64_t ram_size);
  ~ShadowMemory();
  ShadowMemory(const ShadowMemory&) = delete;
  ShadowMemory& operator=(const ShadowMemory&) = delete;

  Tag get(uint64_t addr) const {
    const uint64_t off = addr - kRamBase;
    if (off >= ram_size_) [[unlikely]]  // devices; without the hint RAM is laid out of line
      return 0;
    return tags_[off >> 3].load(std::memory_order_relaxed);
  }
  void set(uint64_t addr, Tag t) {
    const uint64_t off = addr - kRamBase;
    if (off >= ram_size_) return;
    const uint64_t page = off >> kPageBits;
    if (!touched_[page].load(std::memory_order_relaxed)) {
      if (t == 0) return;  // still all default: nothing to write
      if (!touched_[page].exchange(true, std::memory_order_relaxed))
        allocated_.fetch_add(1, std::memory_order_relaxed);
    }
    tags_[off >> 3].store(t, std::memory_order_relaxed);
  }
  // RAM pages whose tags were ever written (statistics: shadow bytes = pages * 2 KiB).
  uint64_t pages_allocated() const { return allocated_.load(std::memory_order_relaxed); }

 private:
  uint64_t ram_size_;
  uint64_t reserved_bytes_;
  std::atomic<Tag>* tags_;
  std::unique_ptr<std::atomic<bool>[]> touched_;
  std::atomic<uint64_t> allocated_{0};
};

}  // namespace unitag::tags
