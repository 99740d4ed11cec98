// The layout of channel memory, the only memory partitions share (kernel-internal). Every field
// is valid when zero, so no partition has to initialise it and none has to boot first: a header
// page (mailboxes, the name table, the shared-buffer cursor), then one single-producer/
// single-consumer ring per ordered pair of partitions, then shared buffers.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unitag/channel.h"
#include "unitag/sync.h"

namespace uk::mk {

inline constexpr unsigned kMaxPartitions = 16;
inline constexpr unsigned kRingSlots = 64;  // messages in flight per (sender, receiver) pair
inline constexpr unsigned kNames = 64;
inline constexpr uint16_t kServicePort = 0xffff;  // tasks and offloaded calls

// Flags the other side reads before deciding to send an inter-processor interrupt. One cache
// line per partition.
struct alignas(64) Mailbox {
  uint32_t receiver_sleeping;  // a receiver sleeps: the next sender must interrupt us
  uint32_t sender_sleeping;    // a sender waits for room: the next receiver must interrupt us
  uint32_t doorbell;  // set before the interrupt: tells a channel wake-up from a scheduler IPI
};

struct NameEntry {
  char name[24];
  uint32_t partition;  // + 1; 0: free slot
  uint16_t port;
  uint16_t unused;
};

struct Header {
  Mailbox mailbox[kMaxPartitions];
  uk_spinlock names_lock;
  uk_spinlock controller_lock;  // one partition at a time drives the partition controller
  uint64_t shared_cursor;       // bytes handed out by uk_shared_alloc
  NameEntry names[kNames];
};
static_assert(sizeof(Header) <= 4096);

struct Ring {
  alignas(64) uint32_t tail;  // written by the sender only: messages published
  alignas(64) uint32_t head;  // written by the receiver only: messages consumed
  alignas(64) uk_msg slots[kRingSlots];
};
static_assert(sizeof(uk_msg) == 64);

// Copies a message as eight words (picolibc's memcpy goes byte by byte: 6x the instructions).
inline void copy_msg(uk_msg* to, const uk_msg* from) {
  auto* d = reinterpret_cast<uint64_t*>(to);
  const auto* s = reinterpret_cast<const uint64_t*>(from);
  d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = s[3];
  d[4] = s[4], d[5] = s[5], d[6] = s[6], d[7] = s[7];
}

// Where everything is, for this run's partition count.
struct Layout {
  uint8_t* base = nullptr;
  size_t size = 0;
  unsigned partitions = 1;

  Header* header() const { return reinterpret_cast<Header*>(base); }
  Ring* ring(unsigned from, unsigned to) const {
    return reinterpret_cast<Ring*>(base + 4096) + (from * partitions + to);
  }
  size_t shared_offset() const {
    return (4096 + sizeof(Ring) * partitions * partitions + 4095) & ~size_t{4095};
  }
};

const Layout& layout();
unsigned self();
// The harts partition p runs on now (from the partition controller when there is one).
uint64_t harts_of(unsigned p);
// Sends an inter-processor interrupt to partition p (its boot hart).
void ring_doorbell(unsigned p);

}  // namespace uk::mk
