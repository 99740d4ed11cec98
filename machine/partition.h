// Multikernel partitions: which harts form each partition, and the memory window the machine
// enforces on them (in the spirit of RISC-V WorldGuard and of Jailhouse's cells). Each partition
// sees its own private RAM at the usual guest addresses [0x8000_0000, +size), backed by its own
// stretch of physical RAM, plus the channel memory every partition shares at one fixed address.
// Library-OS kernels run in M-mode, where PMP cannot fence them: the window is the fence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace unitag {

// One `--partition HARTS[:IMAGE][:tagged]` of the command line.
struct PartitionSpec {
  uint64_t harts = 0;  // mask
  std::string image;   // empty: the run's main image
  bool tagged = false;
};

// What one hart of a partition may reach in RAM. index < 0: not partitioned (all RAM, identity).
struct PartitionWindow {
  static constexpr uint64_t kGuestBase = 0x80000000ull;

  int index = -1;
  uint64_t size = 0;       // private RAM at guest [kGuestBase, kGuestBase + size)
  uint64_t phys_base = 0;  // where those bytes are in physical RAM
  uint64_t channel_base = 0, channel_size = 0;  // shared, identity-mapped in every partition

  bool partitioned() const { return index >= 0; }
  // The physical address of guest [addr, addr+len) when it lies all in the private window or all
  // in channel memory; false otherwise (straddling or outside both).
  bool map(uint64_t addr, uint64_t len, uint64_t& paddr) const {
    if (addr - kGuestBase < size && len <= size - (addr - kGuestBase)) {
      paddr = addr - kGuestBase + phys_base;
      return true;
    }
    if (addr - channel_base < channel_size && len <= channel_size - (addr - channel_base)) {
      paddr = addr;
      return true;
    }
    return false;
  }
};

// How physical RAM is divided: private windows side by side from the bottom (partition 0's is
// identity-mapped), channel memory at the top.
class PartitionLayout {
 public:
  // Throws UserError (usage) for overlapping or empty hart sets, harts that do not exist, or RAM
  // too small for the partitions and the channel memory.
  // `elastic` more slots (no harts yet) are reserved for partitions started while running.
  static PartitionLayout plan(const std::vector<PartitionSpec>& specs, unsigned harts,
                              uint64_t ram_size, uint64_t channel_size, unsigned elastic = 0);

  size_t count() const { return windows_.size(); }
  const PartitionWindow& window(size_t p) const { return windows_[p]; }
  // The harts partition p started with (0: an elastic slot).
  uint64_t harts(size_t p) const { return masks_[p]; }
  // The partition hart h started in, or -1 (a spare hart, parked until a partition starts on it).
  int partition_of(unsigned hart) const;

 private:
  std::vector<PartitionWindow> windows_;
  std::vector<uint64_t> masks_;
};

// "partition 1 (harts 2-3)".
std::string describe_partition(size_t p, uint64_t harts);
// "0-1,3" for the mask 0b1011.
std::string format_hart_set(uint64_t mask);
// Parses "0-1,3"; nullopt-like: returns false with `error` set.
bool parse_hart_set(const std::string& text, unsigned harts, uint64_t& mask, std::string& error);

}  // namespace unitag
