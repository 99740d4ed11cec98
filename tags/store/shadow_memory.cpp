#include "tags/store/shadow_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace unitag::tags {

ShadowMemory::ShadowMemory(uint64_t ram_size)
    : ram_size_(ram_size), reserved_bytes_((ram_size / 8 + 1) * sizeof(Tag)) {
  static_assert(sizeof(std::atomic<Tag>) == sizeof(Tag));
  // Anonymous private memory reads as zero (the default tag) and costs nothing until written.
  void* p = mmap(nullptr, reserved_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw std::runtime_error("cannot reserve " + std::to_string(reserved_bytes_ >> 20) +
                             " MiB of address space for memory tags: " + std::strerror(errno) +
                             "; try a smaller --mem");
  tags_ = static_cast<std::atomic<Tag>*>(p);
  const uint64_t pages = (ram_size >> kPageBits) + 1;
  touched_ = std::make_unique<std::atomic<bool>[]>(pages);
  for (uint64_t i = 0; i < pages; ++i) touched_[i].store(false, std::memory_order_relaxed);
}

ShadowMemory::~ShadowMemory() { munmap(tags_, reserved_bytes_); }

}  // namespace unitag::tags
