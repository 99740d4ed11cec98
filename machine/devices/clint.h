// The core-local interruptor (SiFive CLINT layout at 0x0200_0000): per-hart software-interrupt
// bits (msip) and timer compare registers (mtimecmp), and the shared mtime counter. mtime itself
// is computed lazily by the Machine (host clock, or instruction count in deterministic mode).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "machine/bus/bus.h"

namespace unitag {

class Clint final : public Device {
 public:
  static constexpr uint64_t kBase = 0x02000000, kSize = 0x10000;
  static constexpr uint64_t kMsipOffset = 0x0, kMtimecmpOffset = 0x4000, kMtimeOffset = 0xbff8;

  Clint(unsigned harts, std::function<uint64_t()> now, std::function<void(unsigned)> wake);
  std::string_view name() const override { return "clint"; }
  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) override;
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) override;

  // A doorbell to a hart another process simulates goes there instead (true: it was remote).
  void forward_msip(std::function<bool(unsigned hart, uint32_t value)> remote) {
    remote_msip_ = std::move(remote);
  }

  uint64_t mtime() const { return now_() + mtime_adjust_.load(std::memory_order_relaxed); }
  uint64_t mtimecmp(unsigned hart) const { return mtimecmp_[hart].load(std::memory_order_relaxed); }
  bool msip(unsigned hart) const { return msip_[hart].load(std::memory_order_relaxed) & 1; }

 private:
  unsigned harts_;
  std::function<uint64_t()> now_;
  std::function<void(unsigned)> wake_;
  std::function<bool(unsigned, uint32_t)> remote_msip_;
  std::unique_ptr<std::atomic<uint32_t>[]> msip_;
  std::unique_ptr<std::atomic<uint64_t>[]> mtimecmp_;
  std::atomic<uint64_t> mtime_adjust_{0};
};

}  // namespace unitag
