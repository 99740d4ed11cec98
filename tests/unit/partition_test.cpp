// Multikernel partitions: the layout (hart sets, RAM split, refusals) and the window each hart's
// memory path enforces, through a real Machine and Hart.
#include "machine/partition.h"

#include <gtest/gtest.h>

#include <cstring>

#include "machine/errors.h"
#include "machine/machine.h"

namespace unitag {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

TEST(Partition, ParsesAndFormatsHartSets) {
  uint64_t mask = 0;
  std::string error;
  ASSERT_TRUE(parse_hart_set("0-1,3", 4, mask, error));
  EXPECT_EQ(mask, 0b1011u);
  EXPECT_EQ(format_hart_set(mask), "0-1,3");
  EXPECT_FALSE(parse_hart_set("4", 4, mask, error));
  EXPECT_NE(error.find("hart 4 does not exist"), std::string::npos);
  EXPECT_FALSE(parse_hart_set("2-1", 4, mask, error));
  EXPECT_FALSE(parse_hart_set("", 4, mask, error));
  EXPECT_FALSE(parse_hart_set("1,", 4, mask, error));
}

TEST(Partition, SplitsRamAndKeepsChannelMemoryOnTop) {
  const PartitionLayout l =
      PartitionLayout::plan({{0b01, "", false}, {0b10, "", true}}, 2, 64 * kMiB, 4 * kMiB, 1);
  ASSERT_EQ(l.count(), 3u);  // two partitions and an elastic slot
  EXPECT_EQ(l.window(0).size, 20 * kMiB);
  EXPECT_EQ(l.window(0).phys_base, Bus::kRamBase);
  EXPECT_EQ(l.window(1).phys_base, Bus::kRamBase + 20 * kMiB);
  EXPECT_EQ(l.window(2).channel_base, Bus::kRamBase + 60 * kMiB);
  EXPECT_EQ(l.harts(2), 0u);
  EXPECT_EQ(l.partition_of(1), 1);
  uint64_t paddr = 0;
  EXPECT_TRUE(l.window(1).map(Bus::kRamBase + 16, 8, paddr));
  EXPECT_EQ(paddr, Bus::kRamBase + 20 * kMiB + 16);
  EXPECT_TRUE(l.window(1).map(Bus::kRamBase + 60 * kMiB, 8, paddr));  // channel: identity
  EXPECT_EQ(paddr, Bus::kRamBase + 60 * kMiB);
  EXPECT_FALSE(l.window(1).map(Bus::kRamBase + 20 * kMiB - 4, 8, paddr));  // straddles the end
  EXPECT_FALSE(l.window(0).map(Bus::kRamBase + 30 * kMiB, 1, paddr));      // partition 1's RAM
}

TEST(Partition, RefusesBadLayouts) {
  auto plan = [](std::vector<PartitionSpec> specs, uint64_t ram) {
    return PartitionLayout::plan(specs, 4, ram, 4 * kMiB);
  };
  EXPECT_THROW(plan({{0b011, "", false}, {0b110, "", false}}, 64 * kMiB), UserError);  // overlap
  EXPECT_THROW(plan({{0, "", false}}, 64 * kMiB), UserError);                          // empty
  EXPECT_THROW(plan({{0b10000, "", false}}, 64 * kMiB), UserError);                    // hart 4
  EXPECT_THROW(plan({{1, "", false}, {2, "", false}, {4, "", false}}, 12 * kMiB), UserError);
}

// A partitioned hart reaches its private RAM through the window (remapped), channel memory at
// its own address, and nothing of the other partition's RAM.
TEST(Partition, HartMemoryPathEnforcesTheWindow) {
  MachineConfig cfg;
  cfg.harts = 2;
  cfg.mem_size = 64 * kMiB;
  cfg.partitions = {{0b01, "", false}, {0b10, "", false}};
  Machine m(cfg);
  Hart& h1 = m.hart(1);
  const PartitionWindow& w = h1.partition();
  ASSERT_EQ(w.index, 1);
  const uint64_t value = 0x1122334455667788ull;
  ASSERT_TRUE(h1.store(Bus::kRamBase + 64, 8, value));
  uint64_t raw = 0;
  std::memcpy(&raw, m.bus().ram() + (w.phys_base - Bus::kRamBase) + 64, 8);
  EXPECT_EQ(raw, value);  // landed in partition 1's physical RAM
  uint64_t back = 0;
  EXPECT_TRUE(h1.load(Bus::kRamBase + 64, 8, back));
  EXPECT_EQ(back, value);
  EXPECT_TRUE(h1.store(w.channel_base + 8, 8, value));
  EXPECT_FALSE(h1.store(Bus::kRamBase + w.size + 64, 8, value));  // beyond its window
  EXPECT_TRUE(h1.outside_partition(Bus::kRamBase + w.size + 64));
  EXPECT_FALSE(h1.outside_partition(0x10000000));  // the UART: a device, shared
  Translation t;
  EXPECT_FALSE(h1.locate(Bus::kRamBase + w.size, 8, t));  // debuggers see the same window
  // Partition 0 is identity-mapped and reads nothing of partition 1's write.
  uint64_t other = 0;
  EXPECT_TRUE(m.hart(0).load(Bus::kRamBase + 64, 8, other));
  EXPECT_EQ(other, 0u);
}

}  // namespace
}  // namespace unitag
