#include "tags/engine/coprocessor_model.h"

#include <algorithm>

namespace unitag::tags {

// Integer arithmetic only: this runs between guest instructions, and host floating point would
// leave its sticky flags (inexact) in the guest's fcsr on the translated engine. Work is counted
// in units of 1/kUnit cycle, kUnit a multiple of every width.
namespace {
constexpr uint64_t kUnit = 2;
}  // namespace

uint64_t CoprocessorModel::drained(const Config& c, const Lane& l, uint64_t checked,
                                   uint64_t unchecked) {
  // Core time: one cycle per retired instruction plus the stalls so far.
  const uint64_t now = (checked + unchecked) * kUnit + l.stalls;
  const uint64_t elapsed = now - std::min(now, l.core_time);
  const uint64_t arrived = (checked - std::min(checked, l.checked)) * (kUnit / c.width);
  const uint64_t pending = l.backlog + arrived;
  return pending > elapsed ? pending - elapsed : 0;
}

void CoprocessorModel::add_work(uint64_t checked, uint64_t unchecked, uint64_t cycles) {
  for (size_t i = 0; i < kConfigs.size(); ++i) {
    const Config c = kConfigs[i];
    Lane& l = lanes_[i];
    l.backlog = drained(c, l, checked, unchecked) + cycles * kUnit;
    const uint64_t capacity = c.queue * (kUnit / c.width);
    if (l.backlog > capacity) {  // the core waits while the co-processor catches up
      l.stalls += l.backlog - capacity;
      l.backlog = capacity;
    }
    l.checked = checked;
    l.core_time = (checked + unchecked) * kUnit + l.stalls;
  }
}

double CoprocessorModel::stall_cycles(size_t config, uint64_t checked, uint64_t unchecked) const {
  const Lane& l = lanes_[config];
  return static_cast<double>(l.stalls + drained(kConfigs[config], l, checked, unchecked)) / kUnit;
}

}  // namespace unitag::tags
