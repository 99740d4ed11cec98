// Zero-filled host memory for the tag store's growing tables, taken straight from the kernel:
// it needs no clearing (fresh anonymous pages read as zero) and, from 2 MiB up, is advised onto
// huge pages. Interning tens of thousands of tags took a page fault per 4 KiB of its tables
// (a tenth of an allocation-heavy run's host time on this host); a huge page takes one per 2 MiB.
#pragma once

#include <cstddef>

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

}  // namespace unitag::tags
