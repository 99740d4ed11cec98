// Memory tags: one Tag per 8-byte word of RAM, stored in pages parallel to RAM's 4 KiB pages and
// allocated on the first non-default tag write, so the cost follows what is tagged, not --mem.
// Words outside RAM (devices) always carry the default tag. Shared by all harts of a machine.
// Untagged pages point at one shared all-default page, so a read is two loads and no test.
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
  static constexpr unsigned kWordsPerPage = (1u << kPageBits) / 8;

  explicit ShadowMemory(uint64_t ram_size);
  ~ShadowMemory();
  ShadowMemory(const ShadowMemory&) = delete;
  ShadowMemory& operator=(const ShadowMemory&) = delete;

  Tag get(uint64_t addr) const {
    const uint64_t off = addr - kRamBase;
    if (off >= ram_size_) return 0;
    const std::atomic<Tag>* page = pages_[off >> kPageBits].load(std::memory_order_acquire);
    return page[(off >> 3) & (kWordsPerPage - 1)].load(std::memory_order_relaxed);
  }
  void set(uint64_t addr, Tag t) {
    const uint64_t off = addr - kRamBase;
    if (off >= ram_size_) return;
    std::atomic<Tag>* page = pages_[off >> kPageBits].load(std::memory_order_acquire);
    if (page == default_page_) {
      if (t == 0) return;
      page = allocate_page(off >> kPageBits);
    }
    page[(off >> 3) & (kWordsPerPage - 1)].store(t, std::memory_order_relaxed);
  }
  // Pages that hold at least one tag (for statistics: shadow bytes = pages * 2 KiB).
  uint64_t pages_allocated() const { return allocated_.load(std::memory_order_relaxed); }

 private:
  std::atomic<Tag>* allocate_page(uint64_t index);

  uint64_t ram_size_;
  uint64_t page_count_;
  std::unique_ptr<std::atomic<std::atomic<Tag>*>[]> pages_;
  std::atomic<Tag>* const default_page_;  // never written
  std::atomic<uint64_t> allocated_{0};
};

}  // namespace unitag::tags
