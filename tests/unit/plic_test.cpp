// The PLIC through the real Machine: its registers on the bus, and what harts see in mip.
#include <gtest/gtest.h>

#include "machine/hart/csr.h"
#include "machine/machine.h"

namespace unitag {
namespace {

class PlicTest : public ::testing::Test {
 protected:
  PlicTest() : machine_(config()) {}
  static MachineConfig config() {
    MachineConfig c;
    c.harts = 2;
    c.mem_size = 1 << 20;
    c.uart_in_fd = -1;
    return c;
  }
  uint32_t read(uint64_t offset) {
    uint64_t v = 0;
    EXPECT_TRUE(plic().read(offset, 4, v, 0));
    return static_cast<uint32_t>(v);
  }
  void write(uint64_t offset, uint32_t v) { EXPECT_TRUE(plic().write(offset, 4, v, 0)); }
  Plic& plic() { return machine_.plic(); }
  static uint64_t enable(unsigned context) {
    return Plic::kEnableOffset + Plic::kEnableStride * context;
  }
  static uint64_t threshold(unsigned context) {
    return Plic::kContextOffset + Plic::kContextStride * context;
  }
  static uint64_t claim(unsigned context) { return threshold(context) + 4; }
  Machine machine_;
};

TEST_F(PlicTest, ClaimTakesTheHighestPriorityThenTheLowestSource) {
  write(4 * 3, 2);
  write(4 * 40, 5);
  write(4 * 41, 5);
  write(enable(0), 1u << 3);
  write(enable(0) + 4, (1u << (40 - 32)) | (1u << (41 - 32)));
  for (unsigned s : {3u, 40u, 41u}) plic().set_level(s, true);
  EXPECT_EQ(read(Plic::kPendingOffset + 4), (1u << 8) | (1u << 9));
  EXPECT_EQ(machine_.interrupt_lines(0) & irq::kMeip, irq::kMeip);
  EXPECT_EQ(read(claim(0)), 40u);
  EXPECT_EQ(read(claim(0)), 41u);
  EXPECT_EQ(read(claim(0)), 3u);
  EXPECT_EQ(read(claim(0)), 0u);
  EXPECT_EQ(machine_.interrupt_lines(0) & irq::kMeip, 0u);
  write(claim(0), 41);  // completed, but its pending bit waits for the device's next report
  EXPECT_EQ(read(claim(0)), 0u);
  plic().set_level(41, true);
  EXPECT_EQ(read(claim(0)), 41u);
}

TEST_F(PlicTest, EachHartsContextsDriveItsOwnLines) {
  write(4 * 7, 1);
  write(enable(3), 1u << 7);  // hart 1, S level
  plic().set_level(7, true);
  EXPECT_EQ(machine_.interrupt_lines(1) & (irq::kMeip | irq::kSeip), irq::kSeip);
  EXPECT_EQ(machine_.interrupt_lines(0) & (irq::kMeip | irq::kSeip), 0u);
  write(threshold(3), 1);  // priority must exceed the threshold
  EXPECT_EQ(machine_.interrupt_lines(1) & irq::kSeip, 0u);
  write(threshold(3), 0);
  plic().set_level(7, false);  // a level source: the line drops with the device's
  EXPECT_EQ(machine_.interrupt_lines(1) & irq::kSeip, 0u);
}

// OpenSBI clears STIP with csrc while a device holds SEIP up: the line must not stick in mip.
TEST_F(PlicTest, ReadModifyWriteOfMipDoesNotLatchTheExternalLine) {
  Hart& hart = machine_.hart(0);
  write(4 * 10, 1);
  write(enable(1), 1u << 10);
  plic().set_level(10, true);
  uint64_t old = 0;
  ASSERT_TRUE(hart.csr_access(csr::kMip, CsrAccess::Set, irq::kStip, true, old));
  EXPECT_EQ(old & irq::kSeip, irq::kSeip);
  ASSERT_TRUE(hart.csr_access(csr::kMip, CsrAccess::Clear, irq::kStip, true, old));
  plic().set_level(10, false);
  ASSERT_TRUE(hart.csr_access(csr::kMip, CsrAccess::Set, 0, false, old));
  EXPECT_EQ(old & (irq::kSeip | irq::kStip), 0u);
  // Software may still set and clear its own SEIP.
  ASSERT_TRUE(hart.csr_access(csr::kMip, CsrAccess::Set, irq::kSeip, true, old));
  EXPECT_EQ(hart.pending_interrupts() & irq::kSeip, irq::kSeip);
  ASSERT_TRUE(hart.csr_access(csr::kMip, CsrAccess::Clear, irq::kSeip, true, old));
  EXPECT_EQ(hart.pending_interrupts() & irq::kSeip, 0u);
}

TEST_F(PlicTest, OnlyWordAccessesAndContextsThatExist) {
  uint64_t v = 0;
  EXPECT_FALSE(plic().read(0, 1, v, 0));
  EXPECT_FALSE(plic().write(0, 8, 0, 0));
  write(enable(4), ~0u);  // a third hart's context: reserved on two harts
  EXPECT_EQ(read(enable(4)), 0u);
  write(enable(0), ~0u);  // source 0 does not exist
  EXPECT_EQ(read(enable(0)), ~1u);
  write(0, 3);
  EXPECT_EQ(read(0), 0u);
}

}  // namespace
}  // namespace unitag
