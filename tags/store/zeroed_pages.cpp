#include "tags/store/zeroed_pages.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace unitag::tags {
namespace {
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kPage = 4096;
}  // namespace

ZeroedPages::ZeroedPages(size_t bytes) {
  // Whole huge pages from 2 MiB up, so that every part of the mapping can be one.
  const size_t granule = bytes >= kHugePage ? kHugePage : kPage;
  mapped_ = (bytes + granule - 1) / granule * granule;
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // Where the host offers no huge pages this is a no-op.
  if (granule == kHugePage) madvise(p, mapped_, MADV_HUGEPAGE);
  data_ = p;
}

ZeroedPages::~ZeroedPages() {
  if (data_) munmap(data_, mapped_);
}

ZeroedPages::ZeroedPages(ZeroedPages&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), mapped_(std::exchange(other.mapped_, 0)) {}

ZeroedPages& ZeroedPages::operator=(ZeroedPages&& other) noexcept {
  if (this != &other) {
    if (data_) munmap(data_, mapped_);
    data_ = std::exchange(other.data_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

void* GrowOnlyArena::Blocks::do_allocate(size_t bytes, size_t alignment) {
  // Page-aligned, which is more than any node asks for.
  if (alignment > kPage) throw std::bad_alloc();
  return blocks.emplace_back(bytes).data();
}

GrowOnlyArena::GrowOnlyArena() : bump_(kHugePage, &blocks_) {}

}  // namespace unitag::tags
