// The platform-level interrupt controller as on QEMU `virt` (0x0c00_0000): per-source priorities,
// pending bits, per-context enables, thresholds and claim/complete. Context 2h is hart h's M
// level (MEIP), 2h+1 its S level (SEIP). Devices drive their lines with set_level; harts read
// the result where they read the CLINT's lines, so the execute loop does no extra work.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "machine/bus/bus.h"

namespace unitag {

class Plic final : public Device {
 public:
  static constexpr uint64_t kBase = 0x0c000000, kSize = 0x600000;
  static constexpr unsigned kSources = 96;  // source 0 means "none"; the device tree says ndev 95
  static constexpr uint32_t kMaxPriority = 7;
  static constexpr unsigned kUartSource = 10;
  static constexpr uint64_t kPendingOffset = 0x1000, kEnableOffset = 0x2000, kEnableStride = 0x80,
                            kContextOffset = 0x200000, kContextStride = 0x1000;

  // wake(hart): a line the hart may be waiting for (wfi) went up.
  Plic(unsigned harts, std::function<void(unsigned)> wake);
  std::string_view name() const override { return "plic"; }
  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) override;
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) override;

  // A level-triggered source: pending follows the line (as QEMU's gateway), a claim clears it
  // until the device reports its level again.
  void set_level(unsigned source, bool level);
  // MEIP and/or SEIP for the hart, as mip bits.
  uint64_t lines(unsigned hart) const { return lines_[hart].load(std::memory_order_relaxed); }

 private:
  static constexpr unsigned kWords = kSources / 32;
  unsigned contexts() const { return 2 * harts_; }
  // The highest-priority pending, enabled, unclaimed source of a context (0: none), ignoring
  // the threshold as QEMU's claim does.
  unsigned best_source(unsigned context) const;
  bool context_asserted(unsigned context) const;
  void update();  // recomputes every hart's lines; callers hold mu_

  unsigned harts_;
  std::function<void(unsigned)> wake_;
  mutable std::mutex mu_;
  std::array<uint32_t, kSources> priority_{};
  std::array<uint32_t, kWords> pending_{}, claimed_{};
  std::vector<std::array<uint32_t, kWords>> enable_;
  std::vector<uint32_t> threshold_;
  std::unique_ptr<std::atomic<uint64_t>[]> lines_;
};

}  // namespace unitag
