#include "machine/devices/plic.h"

#include "machine/hart/csr.h"

namespace unitag {

Plic::Plic(unsigned harts, std::function<void(unsigned)> wake)
    : harts_(harts),
      wake_(std::move(wake)),
      enable_(2 * harts),
      threshold_(2 * harts),
      lines_(std::make_unique<std::atomic<uint64_t>[]>(harts)) {
  for (unsigned h = 0; h < harts; ++h) lines_[h] = 0;
}

unsigned Plic::best_source(unsigned context) const {
  unsigned best = 0;
  uint32_t best_priority = 0;
  for (unsigned w = 0; w < kWords; ++w) {
    uint32_t candidates = pending_[w] & ~claimed_[w] & enable_[context][w];
    while (candidates) {
      const unsigned source = 32 * w + static_cast<unsigned>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      if (priority_[source] > best_priority) {
        best = source;
        best_priority = priority_[source];
      }
    }
  }
  return best;
}

bool Plic::context_asserted(unsigned context) const {
  const unsigned source = best_source(context);
  return source != 0 && priority_[source] > threshold_[context];
}

void Plic::update() {
  for (unsigned h = 0; h < harts_; ++h) {
    const uint64_t now =
        (context_asserted(2 * h) ? irq::kMeip : 0) | (context_asserted(2 * h + 1) ? irq::kSeip : 0);
    const uint64_t before = lines_[h].exchange(now, std::memory_order_relaxed);
    if (now & ~before) wake_(h);
  }
}

void Plic::set_level(unsigned source, bool level) {
  if (source == 0 || source >= kSources) return;
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t bit = 1u << (source % 32);
  uint32_t& word = pending_[source / 32];
  const uint32_t before = word;
  word = level ? word | bit : word & ~bit;
  if (word != before) update();
}

// Registers are 32 bits wide and only 32-bit accesses reach them (as on QEMU); reserved space
// reads as zero and ignores writes.
bool Plic::read(uint64_t offset, unsigned size, uint64_t& value, unsigned) {
  if (size != 4) return false;
  std::lock_guard<std::mutex> lock(mu_);
  value = 0;
  if (offset < 4ull * kSources) {
    value = priority_[offset / 4];
  } else if (offset >= kPendingOffset && offset < kPendingOffset + 4 * kWords) {
    value = pending_[(offset - kPendingOffset) / 4];
  } else if (offset >= kEnableOffset && offset < kEnableOffset + kEnableStride * contexts()) {
    const uint64_t word = (offset - kEnableOffset) % kEnableStride / 4;
    if (word < kWords) value = enable_[(offset - kEnableOffset) / kEnableStride][word];
  } else if (offset >= kContextOffset && offset < kContextOffset + kContextStride * contexts()) {
    const unsigned context = static_cast<unsigned>((offset - kContextOffset) / kContextStride);
    const uint64_t reg = (offset - kContextOffset) % kContextStride;
    if (reg == 0) {
      value = threshold_[context];
    } else if (reg == 4) {  // claim
      const unsigned source = best_source(context);
      if (source) {
        pending_[source / 32] &= ~(1u << (source % 32));
        claimed_[source / 32] |= 1u << (source % 32);
        update();
      }
      value = source;
    }
  }
  return true;
}

bool Plic::write(uint64_t offset, unsigned size, uint64_t value, unsigned) {
  if (size != 4) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const uint32_t v = static_cast<uint32_t>(value);
  if (offset < 4ull * kSources) {
    if (offset != 0) priority_[offset / 4] = v & kMaxPriority;  // the low bits, as QEMU 7.2
  } else if (offset >= kEnableOffset && offset < kEnableOffset + kEnableStride * contexts()) {
    const uint64_t word = (offset - kEnableOffset) % kEnableStride / 4;
    if (word < kWords)
      enable_[(offset - kEnableOffset) / kEnableStride][word] = word == 0 ? v & ~1u : v;
  } else if (offset >= kContextOffset && offset < kContextOffset + kContextStride * contexts()) {
    const unsigned context = static_cast<unsigned>((offset - kContextOffset) / kContextStride);
    const uint64_t reg = (offset - kContextOffset) % kContextStride;
    if (reg == 0)
      threshold_[context] = v & kMaxPriority;
    else if (reg == 4 && v != 0 && v < kSources)  // complete: the source may interrupt again
      claimed_[v / 32] &= ~(1u << (v % 32));
  }
  update();
  return true;
}

}  // namespace unitag
