// The physical address space: RAM at 0x8000_0000 and memory-mapped devices (QEMU `virt` layout).
// Guest accesses are always bounds-checked against it, so a guest can never reach host memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace unitag {

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string_view name() const = 0;
  // Naturally aligned accesses of 1, 2, 4 or 8 bytes at `offset` from the device base.
  // Returning false makes the access an access fault.
  virtual bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) = 0;
  virtual bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) = 0;
  // Memory behind a device (no side effects): an access need not end the hart's block.
  virtual bool is_memory() const { return false; }
  // A device that stands for memory (channel memory kept by another process) offers atomics, so
  // AMOs and LR/SC work on it: `old` is the value found; desired is stored only if it equalled
  // `expected`. false: no atomics here (an access fault).
  virtual bool compare_swap(uint64_t offset, unsigned size, uint64_t expected, uint64_t desired,
                            uint64_t& old, unsigned hart) {
    return false;
  }
};

class Bus {
 public:
  static constexpr uint64_t kRamBase = 0x80000000ull;
  static constexpr unsigned kPageBits = 12;

  explicit Bus(uint64_t ram_size);
  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  uint8_t* ram() { return ram_; }
  const uint8_t* ram() const { return ram_; }
  uint64_t ram_size() const { return ram_size_; }
  bool in_ram(uint64_t addr, uint64_t size) const {
    return addr >= kRamBase && addr - kRamBase <= ram_size_ &&
           size <= ram_size_ - (addr - kRamBase) && !(addr < remote_end_ && addr + size > remote_);
  }
  // RAM bytes [base, base+size) another process keeps (multikernel ranks, docs/distributed.md):
  // guests reach them only through the device mapped there, never through a host pointer.
  void set_remote(uint64_t base, uint64_t size) {
    remote_ = base;
    remote_end_ = base + size;
  }

  void map(uint64_t base, uint64_t size, Device* device);
  struct Mapping {
    uint64_t base, size;
    Device* device;
  };
  // Every device window, in the order mapped (a tag engine tags each device's registers).
  const std::vector<Mapping>& mappings() const { return mappings_; }
  // The device covering [addr, addr+size), with `offset` set relative to its base.
  Device* device_at(uint64_t addr, unsigned size, uint64_t& offset) const;

  // Pages holding decoded instructions: a store there must invalidate decode caches.
  bool is_code_page(uint64_t ram_offset) const {
    return code_pages_[ram_offset >> kPageBits].load(std::memory_order_relaxed);
  }
  // The raw per-page flags, for the execute loop to keep in a register.
  const std::atomic<uint8_t>* code_page_flags() const { return code_pages_.get(); }
  void mark_code_page(uint64_t ram_offset) {
    code_pages_[ram_offset >> kPageBits].store(1, std::memory_order_relaxed);
  }

 private:
  uint8_t* ram_ = nullptr;
  uint64_t ram_size_ = 0;
  uint64_t mapped_bytes_ = 0;
  uint64_t remote_ = 0, remote_end_ = 0;
  std::unique_ptr<std::atomic<uint8_t>[]> code_pages_;
  std::vector<Mapping> mappings_;
};

}  // namespace unitag
