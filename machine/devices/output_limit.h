// --max-output: how many bytes a guest may send out of the machine (UART, semihosting console
// and host files). A guest that floods its output ends with a report instead of filling the
// host's disk or terminal; every device that writes to the host asks here first.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace unitag {

class OutputLimit {
 public:
  static constexpr uint64_t kDefault = uint64_t{1} << 30;  // 1 GiB; 0 = no limit

  // `exceeded` is called once, by the first writer that asks for more than is left (with the
  // hart that wrote), and must stop the run.
  OutputLimit(uint64_t limit, std::function<void(unsigned hart)> exceeded)
      : limit_(limit), exceeded_(std::move(exceeded)) {}

  // How many of `size` bytes written by `hart` may still go out: all of them, or the rest of
  // the allowance (after which the run stops).
  uint64_t admit(uint64_t size, unsigned hart) {
    if (limit_ == 0) return size;
    const uint64_t before = used_.fetch_add(size, std::memory_order_relaxed);
    if (before + size <= limit_) return size;
    if (!reported_.exchange(true) && exceeded_) exceeded_(hart);
    return before >= limit_ ? 0 : limit_ - before;
  }

 private:
  uint64_t limit_;
  std::function<void(unsigned)> exceeded_;
  std::atomic<uint64_t> used_{0};
  std::atomic<bool> reported_{false};
};

}  // namespace unitag
