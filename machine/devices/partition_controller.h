// The partition controller at 0x0010_2000 (unitag only; QEMU virt has nothing there): lets a
// guest start a partition on idle harts while the machine runs and stop one again (elastic
// partitions, `unitag run --elastic N`). Registers, 64-bit:
//   0x00 ID (read)      0x554e495450415254 ("TRAPTINU": present)
//   0x08 HARTS          hart mask for the next START
//   0x10 COMMAND        1 = START a partition on HARTS, 2 = STOP partition INDEX
//   0x18 RESULT (read)  START: the new partition's index; STOP: 0; or a negative errno
//   0x20 INDEX          partition for the next STOP
//   0x100 + 8*p (read)  the harts partition p runs on now (0: not running)
#pragma once

#include <functional>

#include "machine/bus/bus.h"

namespace unitag {

class PartitionController final : public Device {
 public:
  static constexpr uint64_t kBase = 0x102000, kSize = 0x1000;
  static constexpr uint64_t kId = 0x554e495450415254ull;
  static constexpr uint64_t kStart = 1, kStop = 2;

  struct Hooks {
    std::function<int64_t(uint64_t harts)> start;
    std::function<int64_t(uint64_t index)> stop;
    std::function<uint64_t(uint64_t index)> harts_of;
  };
  explicit PartitionController(Hooks hooks) : hooks_(std::move(hooks)) {}
  std::string_view name() const override { return "partition-controller"; }

  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned) override {
    if (size != 8) return false;
    if (offset == 0x00)
      value = kId;
    else if (offset == 0x08)
      value = harts_;
    else if (offset == 0x18)
      value = static_cast<uint64_t>(result_);
    else if (offset == 0x20)
      value = index_;
    else if (offset >= 0x100 && offset < 0x180)
      value = hooks_.harts_of((offset - 0x100) / 8);
    else
      value = 0;
    return true;
  }
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned) override {
    if (size != 8) return false;
    if (offset == 0x08)
      harts_ = value;
    else if (offset == 0x20)
      index_ = value;
    else if (offset == 0x10)
      result_ = value == kStart  ? hooks_.start(harts_)
                : value == kStop ? hooks_.stop(index_)
                                 : -22;  // EINVAL
    return true;
  }

 private:
  Hooks hooks_;
  // One guest at a time drives it (the library OS serialises with a lock in channel memory).
  uint64_t harts_ = 0, index_ = 0;
  int64_t result_ = 0;
};

}  // namespace unitag
