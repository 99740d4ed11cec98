#include "machine/host_time_meter.h"

#include <time.h>

namespace unitag {
namespace {
double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

uint64_t HostTimeMeter::execute(Hart& hart, uint64_t budget) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!open_) {
    segment_cpu_start_ = thread_cpu_seconds();
    segment_start_ = t0;
    segment_wall_ = 0;
    open_ = true;
  }
  const uint64_t retired = hart.execute(budget);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  segment_wall_ += wall;
  Share* share = nullptr;
  for (Share& s : shares_)
    if (s.hart == &hart) share = &s;
  if (share == nullptr) share = &shares_.emplace_back(Share{&hart, 0});
  share->wall += wall;
  if (segment_wall_ >= kSegmentSeconds) settle();
  return retired;
}

void HostTimeMeter::settle() {
  if (!open_) return;
  const double cpu = thread_cpu_seconds() - segment_cpu_start_;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - segment_start_).count();
  for (const Share& s : shares_) {
    const double share = segment_wall_ > 0 ? s.wall / segment_wall_ : 1.0 / shares_.size();
    s.hart->stats.cpu_seconds += cpu * share;
    s.hart->stats.host_seconds += wall * share;
  }
  shares_.clear();
  open_ = false;
}

}  // namespace unitag
