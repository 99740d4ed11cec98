// The co-processor cost model (tags/engine/coprocessor_model.h) on hand-computed event sequences.
#include "tags/engine/coprocessor_model.h"

#include <gtest/gtest.h>

namespace unitag::tags {
namespace {

// Index of a configuration in kConfigs.
size_t config(unsigned width, unsigned queue) {
  for (size_t i = 0; i < CoprocessorModel::kConfigs.size(); ++i)
    if (CoprocessorModel::kConfigs[i].width == width &&
        CoprocessorModel::kConfigs[i].queue == queue)
      return i;
  ADD_FAILURE() << "no configuration " << width << "x" << queue;
  return 0;
}

TEST(CoprocessorModel, NoWorkNoStalls) {
  CoprocessorModel m;
  for (size_t i = 0; i < CoprocessorModel::kConfigs.size(); ++i)
    EXPECT_EQ(m.stall_cycles(i, 1'000'000, 0), 0.0);
}

TEST(CoprocessorModel, OneWideCheckerNeverCatchesUp) {
  // Checking one instruction per cycle, as fast as the core retires them: a miss's 30 cycles
  // stay behind for good and the core pays them all, like the in-core cache, once the run ends.
  CoprocessorModel m;
  for (uint64_t i = 1; i <= 100; ++i) m.add_work(i * 1000, 0, 30);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(1, 1024), 100'000, 0), 3000);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(1, 16), 100'000, 0), 3000);
}

TEST(CoprocessorModel, SlackHidesSpreadOutMisses) {
  // Two checks per cycle: 1000 instructions between misses give 500 cycles of slack, more than
  // a 30-cycle miss needs; only the last miss's backlog is left to drain at the very end.
  CoprocessorModel m;
  for (uint64_t i = 1; i <= 100; ++i) m.add_work(i * 1000, 0, 30);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(2, 1024), 100'000, 0), 30);
  // ...and nothing once 60 more instructions have run.
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(2, 1024), 100'060, 0), 0);
}

TEST(CoprocessorModel, ABurstFillsTheQueue) {
  // 10 misses back to back: 300 cycles of work; a 16-entry queue at width 2 holds 8 cycles, so
  // the core waits for the rest as it happens; a 1024-entry queue holds it all.
  CoprocessorModel m;
  for (uint64_t i = 1; i <= 10; ++i) m.add_work(i, 0, 30);
  const double small = m.stall_cycles(config(2, 16), 10, 0);
  EXPECT_GT(small, 280);
  EXPECT_LE(small, 300);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(2, 1024), 100'000, 0), 0);
}

TEST(CoprocessorModel, UncheckedInstructionsAreSlack) {
  // A one-wide checker catches up while the core runs code that needs no check (a trusted
  // allocator): 30 cycles of backlog, then 50 unchecked instructions.
  CoprocessorModel m;
  m.add_work(1, 0, 30);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(1, 1024), 1, 50), 0);
  EXPECT_DOUBLE_EQ(m.stall_cycles(config(1, 1024), 1, 10), 20);
}

}  // namespace
}  // namespace unitag::tags
