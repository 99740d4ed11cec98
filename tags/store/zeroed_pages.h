// Zero-filled host memory for the tag store's growing tables, taken straight from the kernel:
// it needs no clearing (fresh anonymous pages read as zero) and, from 2 MiB up, is advised onto
// huge pages. Interning tens of thousands of tags took a page fault per 4 KiB of its tables
// (a tenth of an allocation-heavy run's host time on this host); a huge page takes one per 2 MiB.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <vector>

namespace unitag::tags {

class ZeroedPages {
 public:
  ZeroedPages() = default;
  // Throws std::bad_alloc when the host refuses the mapping.
  explicit ZeroedPages(size_t bytes);
  ~ZeroedPages();
  ZeroedPages(ZeroedPages&& other) noexcept;
  ZeroedPages& operator=(ZeroedPages&& other) noexcept;
  ZeroedPages(const ZeroedPages&) = delete;
  ZeroedPages& operator=(const ZeroedPages&) = delete;

  void* data() const { return data_; }

 private:
  void* data_ = nullptr;
  size_t mapped_ = 0;
};

// Memory that only grows (a memo of rules, say), handed out from 2 MiB blocks of ZeroedPages
// and released all at once when the resource goes: a node is a pointer bump, and its pages
// come huge where the host has them, not one fault per 4 KiB of a growing malloc heap.
class GrowOnlyArena final : public std::pmr::memory_resource {
 public:
  GrowOnlyArena();

 private:
  class Blocks final : public std::pmr::memory_resource {
   public:
    std::vector<ZeroedPages> blocks;

   private:
    void* do_allocate(size_t bytes, size_t alignment) override;
    void do_deallocate(void*, size_t, size_t) override {}  // freed with the arena
    bool do_is_equal(const memory_resource& other) const noexcept override {
      return this == &other;
    }
  };
  void* do_allocate(size_t bytes, size_t alignment) override {
    return bump_.allocate(bytes, alignment);
  }
  void do_deallocate(void*, size_t, size_t) override {}
  bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }

  Blocks blocks_;  // before bump_, which takes its blocks from it
  std::pmr::monotonic_buffer_resource bump_;
};

}  // namespace unitag::tags
