// Memory tags: one Tag per 8-byte word of RAM, in one flat reservation of address space parallel
// to RAM that the host OS backs page by page on first write, so memory use follows what is
// tagged, not --mem; untouched shadow reads as the default tag. A read is one bounds test and
// one load: it is on every tagged memory access. Words outside RAM carry the tag given to their
// device window (set_device_tag, e.g. "the UART's registers" for taint and ifc), else the default
// tag; stores never change them. Shared by all harts of a machine.
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
      return device_tag(addr);
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
  // Every word of [base, base+size) (a device window outside RAM) reads as `t`.
  void set_device_tag(uint64_t base, uint64_t size, Tag t) {
    if (device_count_ < kMaxDevices) devices_[device_count_++] = {base, size, t};
  }
  // The tags of RAM's words, in order from its first (for code reading them without a call:
  // translated blocks).
  const Tag* ram_words() const {
    static_assert(sizeof(std::atomic<Tag>) == sizeof(Tag));
    return reinterpret_cast<const Tag*>(tags_);
  }
  // RAM pages whose tags were ever written (statistics: shadow bytes = pages * 2 KiB).
  uint64_t pages_allocated() const { return allocated_.load(std::memory_order_relaxed); }

 private:
  [[gnu::noinline]] Tag device_tag(uint64_t addr) const {  // off the RAM path
    for (unsigned i = 0; i < device_count_; ++i)
      if (addr - devices_[i].base < devices_[i].size) return devices_[i].tag;
    return 0;
  }
  struct DeviceWindow {
    uint64_t base = 0, size = 0;
    Tag tag = 0;
  };
  static constexpr unsigned kMaxDevices = 8;
  DeviceWindow devices_[kMaxDevices];
  unsigned device_count_ = 0;
  uint64_t ram_size_;
  uint64_t reserved_bytes_;
  std::atomic<Tag>* tags_;
  std::unique_ptr<std::atomic<bool>[]> touched_;
  std::atomic<uint64_t> allocated_{0};
};

}  // namespace unitag::tags
