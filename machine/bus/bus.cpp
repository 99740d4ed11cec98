#include "machine/bus/bus.h"

#include <sys/mman.h>

#include <new>

#include "machine/errors.h"

namespace unitag {

// RAM is reserved, not committed: the host pays only for pages the guest touches. A few guard
// bytes past the end keep the executor's 8-byte fast path inside the mapping.
Bus::Bus(uint64_t ram_size) : ram_size_(ram_size) {
  mapped_bytes_ = ram_size + 4096;
  void* p = mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw UserError(exit_code::kUsage,
                    "cannot reserve guest RAM of that size; use a smaller --mem");
  ram_ = static_cast<uint8_t*>(p);
  // Huge pages cut host TLB misses on guests that roam over large arrays; where the host does
  // not offer them this is a no-op.
  madvise(p, mapped_bytes_, MADV_HUGEPAGE);
  const uint64_t pages = (ram_size >> kPageBits) + 2;
  code_pages_ = std::make_unique<std::atomic<uint8_t>[]>(pages);
  for (uint64_t i = 0; i < pages; ++i) code_pages_[i].store(0, std::memory_order_relaxed);
}

Bus::~Bus() { munmap(ram_, mapped_bytes_); }

void Bus::map(uint64_t base, uint64_t size, Device* device) {
  mappings_.push_back({base, size, device});
}

Device* Bus::device_at(uint64_t addr, unsigned size, uint64_t& offset) const {
  for (const Mapping& m : mappings_) {
    if (addr >= m.base && addr - m.base < m.size && size <= m.size - (addr - m.base)) {
      offset = addr - m.base;
      return m.device;
    }
  }
  return nullptr;
}

}  // namespace unitag
