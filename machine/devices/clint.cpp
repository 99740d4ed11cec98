#include "machine/devices/clint.h"

namespace unitag {

Clint::Clint(unsigned harts, std::function<uint64_t()> now, std::function<void(unsigned)> wake)
    : harts_(harts),
      now_(std::move(now)),
      wake_(std::move(wake)),
      msip_(std::make_unique<std::atomic<uint32_t>[]>(harts)),
      mtimecmp_(std::make_unique<std::atomic<uint64_t>[]>(harts)) {
  for (unsigned i = 0; i < harts; ++i) {
    msip_[i] = 0;
    mtimecmp_[i] = ~uint64_t{0};  // no timer interrupt until software arms one
  }
}

// 64-bit registers accept 32-bit halves as well, as RV32 software and QEMU allow.
bool Clint::read(uint64_t offset, unsigned size, uint64_t& value, unsigned) {
  if (offset < kMsipOffset + 4ull * harts_) {
    if (size != 4) return false;
    value = msip_[offset / 4].load();
    return true;
  }
  uint64_t full, base;
  if (offset >= kMtimecmpOffset && offset < kMtimecmpOffset + 8ull * harts_) {
    base = kMtimecmpOffset + (offset - kMtimecmpOffset) / 8 * 8;
    full = mtimecmp_[(base - kMtimecmpOffset) / 8].load();
  } else if (offset >= kMtimeOffset && offset < kMtimeOffset + 8) {
    base = kMtimeOffset;
    full = mtime();
  } else {
    value = 0;  // reserved space reads as zero
    return true;
  }
  if (size == 8)
    value = full;
  else if (size == 4)
    value = static_cast<uint32_t>(full >> (8 * (offset - base)));
  else
    return false;
  return true;
}

bool Clint::write(uint64_t offset, unsigned size, uint64_t value, unsigned) {
  if (offset < kMsipOffset + 4ull * harts_) {
    if (size != 4) return false;
    const unsigned target = static_cast<unsigned>(offset / 4);
    if (remote_msip_ && remote_msip_(target, static_cast<uint32_t>(value & 1))) return true;
    msip_[target] = static_cast<uint32_t>(value & 1);
    if (value & 1) wake_(target);
    return true;
  }
  auto merge = [&](uint64_t old, uint64_t base) -> uint64_t {
    if (size == 8) return value;
    const unsigned shift = static_cast<unsigned>(8 * (offset - base));
    return (old & ~(0xffffffffull << shift)) | ((value & 0xffffffffull) << shift);
  };
  if (size != 8 && size != 4) return false;
  if (offset >= kMtimecmpOffset && offset < kMtimecmpOffset + 8ull * harts_) {
    const uint64_t base = kMtimecmpOffset + (offset - kMtimecmpOffset) / 8 * 8;
    const unsigned target = static_cast<unsigned>((base - kMtimecmpOffset) / 8);
    mtimecmp_[target] = merge(mtimecmp_[target].load(), base);
    wake_(target);
    return true;
  }
  if (offset >= kMtimeOffset && offset < kMtimeOffset + 8) {
    const uint64_t wanted = merge(mtime(), kMtimeOffset);
    mtime_adjust_ = wanted - now_();
    return true;
  }
  return true;  // writes to reserved space are ignored
}

}  // namespace unitag
