#include "tags/engine/coprocessor_model.h"

#include <algorithm>

namespace unitag::tags {

double CoprocessorModel::drained(const Config& c, const Lane& l, uint64_t checked,
                                 uint64_t unchecked) {
  // Core time: one cycle per retired instruction plus the stalls so far.
  const uint64_t now = checked + unchecked + static_cast<uint64_t>(l.stalls);
  const double elapsed = static_cast<double>(now - std::min(now, l.core_time));
  const double arrived = static_cast<double>(checked - std::min(checked, l.checked)) / c.width;
  return std::max(0.0, l.backlog + arrived - elapsed);
}

void CoprocessorModel::add_work(uint64_t checked, uint64_t unchecked, double cycles) {
  for (size_t i = 0; i < kConfigs.size(); ++i) {
    const Config c = kConfigs[i];
    Lane& l = lanes_[i];
    l.backlog = drained(c, l, checked, unchecked) + cycles;
    const double capacity = static_cast<double>(c.queue) / c.width;
    if (l.backlog > capacity) {  // the core waits while the co-processor catches up
      l.stalls += l.backlog - capacity;
      l.backlog = capacity;
    }
    l.checked = checked;
    l.core_time = checked + unchecked + static_cast<uint64_t>(l.stalls);
  }
}

double CoprocessorModel::stall_cycles(size_t config, uint64_t checked, uint64_t unchecked) const {
  const Lane& l = lanes_[config];
  return l.stalls + drained(kConfigs[config], l, checked, unchecked);
}

}  // namespace unitag::tags
