// Channel memory for multikernel partitions that run as MPI ranks (docs/distributed.md). Every
// rank maps the channel-memory range of its bus to one of these devices, so the guest's rings,
// name table and shared buffers work unchanged while the bytes are kept once for all ranks:
//  - RmaChannel: in an MPI one-sided window on rank 0, each access an RMA operation (ranks on
//    different hosts);
//  - SharedChannel: in an MPI shared-memory window (MPI_Win_allocate_shared), each access a host
//    atomic on memory every rank maps (ranks on one host).
// Both give the same guest-visible semantics and charge the same modeled latency.
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "machine/bus/bus.h"

namespace unitag {

class Machine;

class ChannelMemory : public Device {
 public:
  enum class Transport { kRma, kShared };
  // Collective over `comm`: rank 0 allocates and zeroes `size` bytes. Each store and atomic costs
  // the hart `latency_cycles` modeled cycles (the documented cross-rank latency model).
  static std::unique_ptr<ChannelMemory> create(Transport transport, MPI_Comm comm, uint64_t size,
                                               uint64_t latency_cycles);
  ~ChannelMemory() override;  // collective: every rank frees its window together
  ChannelMemory(const ChannelMemory&) = delete;
  ChannelMemory& operator=(const ChannelMemory&) = delete;

  bool is_memory() const override { return true; }
  // Every transport's accesses: checked here (size, alignment, range; atomics of 4 and 8 bytes)
  // and counted for the latency model; the transport only moves the bytes.
  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) final;
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) final;
  bool compare_swap(uint64_t offset, unsigned size, uint64_t expected, uint64_t desired,
                    uint64_t& old, unsigned hart) final;

  // Which machine's harts pay the modeled latency (null: nobody, e.g. after the run).
  void charge(Machine* machine) { machine_ = machine; }
  uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }
  // Stores and atomics: the accesses that publish, and pay the modeled latency.
  uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

 protected:
  ChannelMemory(MPI_Comm comm, uint64_t size, uint64_t latency_cycles);
  // Rank 0 zeroes the window's bytes (every field of the channel layout is valid when zero,
  // kernel/mk/shared.h) before any rank goes on. Collective.
  void zero_on_rank0(void* base);
  // The transport: a naturally aligned access of 1, 2, 4 or 8 bytes (4 or 8 for swap) inside
  // the window, visible to every rank when it returns.
  virtual uint64_t load(uint64_t offset, unsigned size) = 0;
  virtual void store(uint64_t offset, unsigned size, uint64_t value) = 0;
  virtual uint64_t swap(uint64_t offset, unsigned size, uint64_t expected, uint64_t desired) = 0;

  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Win win_ = MPI_WIN_NULL;
  int rank_ = 0;

 private:
  bool valid(uint64_t offset, unsigned size) const;
  void account(unsigned hart, bool write);

  uint64_t size_;
  uint64_t latency_cycles_;
  Machine* machine_ = nullptr;
  std::atomic<uint64_t> reads_{0}, writes_{0};
};

// Whether every rank of `comm` runs on this host (so SharedChannel can serve them). Collective.
bool all_ranks_on_one_host(MPI_Comm comm);

}  // namespace unitag
