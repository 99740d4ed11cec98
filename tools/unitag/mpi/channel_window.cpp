#include "tools/unitag/mpi/channel_window.h"

#include <cstring>

#include "machine/machine.h"

namespace unitag {
namespace {

MPI_Datatype type_of(unsigned size) {
  switch (size) {
    case 1:
      return MPI_UINT8_T;
    case 2:
      return MPI_UINT16_T;
    case 4:
      return MPI_UINT32_T;
    default:
      return MPI_UINT64_T;
  }
}

}  // namespace

ChannelWindow::ChannelWindow(MPI_Comm comm, uint64_t size, uint64_t latency_cycles)
    : size_(size), latency_cycles_(latency_cycles) {
  MPI_Comm_dup(comm, &comm_);
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  void* base = nullptr;
  MPI_Win_allocate(static_cast<MPI_Aint>(rank == 0 ? size : 0), 1, MPI_INFO_NULL, comm_, &base,
                   &win_);
  // Every field of the channel layout is valid when zero (kernel/mk/shared.h).
  if (rank == 0) std::memset(base, 0, size);
  MPI_Barrier(comm_);
  // Passive target for the whole run: no rank has to take part in another's accesses.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
}

ChannelWindow::~ChannelWindow() {
  MPI_Win_unlock_all(win_);
  MPI_Win_free(&win_);
  MPI_Comm_free(&comm_);
}

bool ChannelWindow::valid(uint64_t offset, unsigned size) const {
  return (size == 1 || size == 2 || size == 4 || size == 8) && offset < size_ &&
         size <= size_ - offset && (offset & (size - 1)) == 0;
}

// The latency model: a store or atomic crosses to the other rank; a load is served from what
// the last store brought (a polling loop on a coherent fabric), so it is not charged.
void ChannelWindow::account(unsigned hart, bool write) {
  if (!write) {
    reads_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  writes_.fetch_add(1, std::memory_order_relaxed);
  if (machine_ && hart < machine_->hart_count())
    machine_->hart(hart).extra_cycles += latency_cycles_;
}

// Loads and stores are atomic accumulates (NO_OP, REPLACE), not Get and Put: MPI makes only
// accumulates atomic with each other, and the guest's flags and ring indices race by design.
// Each access is flushed before the hart goes on, which keeps the guest's fences meaningful.
bool ChannelWindow::read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) {
  if (!valid(offset, size)) return false;
  uint64_t result = 0;
  MPI_Get_accumulate(nullptr, 0, type_of(size), &result, 1, type_of(size), 0,
                     static_cast<MPI_Aint>(offset), 1, type_of(size), MPI_NO_OP, win_);
  MPI_Win_flush(0, win_);
  value = result;
  account(hart, false);
  return true;
}

bool ChannelWindow::write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) {
  if (!valid(offset, size)) return false;
  MPI_Accumulate(&value, 1, type_of(size), 0, static_cast<MPI_Aint>(offset), 1, type_of(size),
                 MPI_REPLACE, win_);
  MPI_Win_flush(0, win_);
  account(hart, true);
  return true;
}

bool ChannelWindow::compare_swap(uint64_t offset, unsigned size, uint64_t expected,
                                 uint64_t desired, uint64_t& old, unsigned hart) {
  if (!valid(offset, size) || size < 4) return false;
  uint64_t result = 0;
  MPI_Compare_and_swap(&desired, &expected, &result, type_of(size), 0,
                       static_cast<MPI_Aint>(offset), win_);
  MPI_Win_flush(0, win_);
  old = result;
  account(hart, true);
  return true;
}

}  // namespace unitag
