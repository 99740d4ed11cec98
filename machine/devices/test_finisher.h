// SiFive test finisher at 0x0010_0000 (QEMU `virt`): a 32-bit write of 0x5555 ends the run with
// success, (code << 16) | 0x3333 ends it with exit code `code`, 0x7777 asks for a reset. A 16-bit
// write (OpenSBI's) carries the command alone, so it passes, fails with code 0, or resets.
#pragma once

#include <functional>

#include "machine/bus/bus.h"

namespace unitag {

class TestFinisher final : public Device {
 public:
  static constexpr uint64_t kBase = 0x100000, kSize = 0x1000;
  // finish(exit_code, message)
  explicit TestFinisher(std::function<void(int, const char*)> finish)
      : finish_(std::move(finish)) {}
  std::string_view name() const override { return "test-finisher"; }
  bool read(uint64_t, unsigned, uint64_t& value, unsigned) override {
    value = 0;
    return true;
  }
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned) override {
    if (offset != 0 || (size != 4 && size != 2)) return false;
    switch (value & 0xffff) {
      case 0x5555:
        finish_(0, nullptr);
        break;
      case 0x3333:
        finish_(static_cast<int>((value >> 16) & 0xffff), nullptr);
        break;
      case 0x7777:
        finish_(0, "guest asked the test finisher for a reset; unitag ends the run");
        break;
      default:
        break;  // QEMU ignores other values too
    }
    return true;
  }

 private:
  std::function<void(int, const char*)> finish_;
};

}  // namespace unitag
