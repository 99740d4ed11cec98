// Charges host time to the harts a thread runs: wall time and CPU time per hart, for --stats
// (`mips` is instructions over CPU time). Reading the thread's CPU clock is a system call (about
// 2 us on this project's virtual machine, 100x a steady-clock read) and a block can be a handful
// of instructions when the guest traps often (every CSR write and xRET ends one), so the CPU
// clock is read once per segment of blocks, and the segment's CPU and wall time (the host work
// between blocks included) are split over its harts by their wall time inside Hart::execute.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "machine/hart/hart.h"

namespace unitag {

class HostTimeMeter {
 public:
  // Runs one block of `hart` (Hart::execute) and charges its time.
  uint64_t execute(Hart& hart, uint64_t budget);
  // Charges the open segment's CPU time. Call before the thread waits (a wait is not the
  // harts' CPU time, but a segment spanning one would smear it) and when the run ends.
  void settle();

 private:
  static constexpr double kSegmentSeconds = 0.005;
  struct Share {
    Hart* hart;
    double wall;
  };
  std::vector<Share> shares_;
  std::chrono::steady_clock::time_point segment_start_;
  double segment_cpu_start_ = 0;
  double segment_wall_ = 0;  // inside Hart::execute
  bool open_ = false;
};

}  // namespace unitag
