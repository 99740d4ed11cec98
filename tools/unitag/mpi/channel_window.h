// Channel memory for multikernel partitions that run as MPI ranks (docs/distributed.md): the
// bytes live in an MPI one-sided window on rank 0 and every rank's harts reach them through this
// device with MPI RMA, so the guest's rings, name table and shared buffers work unchanged.
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstdint>

#include "machine/bus/bus.h"

namespace unitag {

class Machine;

class ChannelWindow final : public Device {
 public:
  // Collective over `comm`: rank 0 allocates and zeroes `size` bytes. Each store and atomic costs
  // the hart `latency_cycles` modeled cycles (the documented cross-rank latency model).
  ChannelWindow(MPI_Comm comm, uint64_t size, uint64_t latency_cycles);
  ~ChannelWindow() override;  // collective: every rank destroys its window together
  ChannelWindow(const ChannelWindow&) = delete;
  ChannelWindow& operator=(const ChannelWindow&) = delete;

  std::string_view name() const override { return "mpi-channel-memory"; }
  bool is_memory() const override { return true; }
  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) override;
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) override;
  bool compare_swap(uint64_t offset, unsigned size, uint64_t expected, uint64_t desired,
                    uint64_t& old, unsigned hart) override;

  // Which machine's harts pay the modeled latency (null: nobody, e.g. after the run).
  void charge(Machine* machine) { machine_ = machine; }
  uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }
  // Stores and atomics: the accesses that publish, and pay the modeled latency.
  uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

 private:
  bool valid(uint64_t offset, unsigned size) const;
  void account(unsigned hart, bool write);

  MPI_Comm comm_;
  MPI_Win win_ = MPI_WIN_NULL;
  uint64_t size_;
  uint64_t latency_cycles_;
  Machine* machine_ = nullptr;
  std::atomic<uint64_t> reads_{0}, writes_{0};
};

}  // namespace unitag
