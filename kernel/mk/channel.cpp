// Channels between partitions: each ordered pair of partitions has a single-producer/single-
// consumer ring in channel memory (mk/shared.h). Senders of one partition take turns on a ring
// through a local mutex; receivers demultiplex by port, keeping messages for other ports in
// local queues. A side about to sleep raises its mailbox flag; the other side, seeing it after
// publishing, sends an inter-processor interrupt (Dekker-style: both fence between their write
// and their read, so a wake-up is never lost).
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/riscv64/clint.h"
#include "arch/riscv64/csr.h"
#include "core/boot.h"
#include "core/sched.h"
#include "mk/mk.h"

namespace uk::mk {
namespace {

Layout g_layout;
bool g_ready;
unsigned g_self;

void check_fits() {
  if (g_layout.shared_offset() >= g_layout.size)
    uk_panic("channels: %u partitions need more channel memory than %lu bytes", g_layout.partitions,
             (unsigned long)g_layout.size);
}

// One partition (SMP, QEMU): a local stand-in for channel memory, so the same code runs
// (messages loop back). Made on first use: zeroing it costs millions of instructions, which a
// program that never uses channels should not pay at boot.
[[gnu::noinline]] void make_local_area() {
  static uk_spinlock lock;
  const uint64_t flags = uk_spin_lock(&lock);
  if (!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE)) {
    g_layout.size = 1u << 20;
    g_layout.base = static_cast<uint8_t*>(aligned_alloc(4096, g_layout.size));
    if (!g_layout.base) uk_panic("channels: no memory for the local channel area");
    memset(g_layout.base, 0, g_layout.size);
    check_fits();
    __atomic_store_n(&g_ready, true, __ATOMIC_RELEASE);
  }
  uk_spin_unlock(&lock, flags);
}

// Called where channel use starts (sends, receives, other units asking for the layout), never
// in the polling loops: a check per ring access costs a round trip 100 modeled cycles.
Layout& ensure_area() {
  if (!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE)) [[unlikely]]
    make_local_area();
  return g_layout;
}

// Threads of this partition waiting for anything channel-related. Woken by the doorbell
// interrupt and by local events (a message moved to a port queue, room freed locally).
struct Event {
  uk_spinlock lock;
  uint64_t generation;
  uk_waitq waiters;
} g_event;

struct QueuedMsg {
  uk_msg msg;
  QueuedMsg* next;
};
// A port keeps at most this many messages taken off the rings for it while nobody received them;
// past that, the ring stays put and its sender feels backpressure.
constexpr unsigned kPortQueueCap = kRingSlots;
struct PortQueue {
  uint16_t port;
  unsigned count;
  QueuedMsg* head;
  QueuedMsg* tail;
  PortQueue* next;
};
constexpr unsigned kPortBuckets = 64;
constexpr unsigned kSpinBeforeSleep = 512;  // polls of the rings before a blocked side sleeps

// Polls `ready` (cheap, no lock) before a side sleeps: the other side often answers within a few
// hundred cycles, and sleeping costs an interrupt round trip to wake up. Not while another thread
// waits for this hart: every waiter wakes on every event, so a thread woken for someone else's
// message would hold the hart from the very thread the message is for (the lockstep ping-pong's
// round trip grew 30-fold from that).
template <class Ready>
void poll_briefly(Ready ready) {
  for (unsigned spin = 0; spin < kSpinBeforeSleep && !others_runnable() && !ready(); ++spin)
    arch::pause();
}
PortQueue* g_ports[kPortBuckets];
uk_spinlock g_rx_lock;  // ring heads of this partition's inbound rings, port queues
unsigned g_rx_next;     // round-robin start over senders
unsigned g_queued;      // messages in port queues (0: skip the lookup)
uk_spinlock g_tx_lock[kMaxPartitions];
uint32_t g_tx_seq[kMaxPartitions];
struct uk_chan_stats g_stats;

uint64_t event_generation() { return __atomic_load_n(&g_event.generation, __ATOMIC_ACQUIRE); }

void event_wait(uint64_t seen) {
  const uint64_t flags = uk_spin_lock(&g_event.lock);
  if (g_event.generation != seen) {
    uk_spin_unlock(&g_event.lock, flags);
    return;
  }
  count(g_stats.sleeps);
  block_on(&g_event.waiters, &g_event.lock);
  arch::irq_restore(flags);
}

void event_signal() {
  const uint64_t flags = uk_spin_lock(&g_event.lock);
  __atomic_store_n(&g_event.generation, g_event.generation + 1, __ATOMIC_RELEASE);
  while (uk_thread* t = waitq_pop(&g_event.waiters)) make_runnable(t);
  uk_spin_unlock(&g_event.lock, flags);
}

// Raises our flag in `word`, then tells whether the other side must still be checked; the
// caller re-checks its condition before sleeping.
void announce_sleep(uint32_t* word) {
  __atomic_store_n(word, 1u, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

// After publishing (or consuming): wake partition p if it announced it sleeps on `word`.
void wake_if_sleeping(uint32_t* word, unsigned p) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(word, __ATOMIC_RELAXED) && __atomic_exchange_n(word, 0u, __ATOMIC_ACQ_REL)) {
    if (p == self())
      event_signal();
    else
      ring_doorbell(p);
  }
}

PortQueue* port_queue(uint16_t port, bool create) {
  PortQueue** link = &g_ports[port % kPortBuckets];
  for (; *link; link = &(*link)->next)
    if ((*link)->port == port) return *link;
  if (!create) return nullptr;
  auto* q = static_cast<PortQueue*>(calloc(1, sizeof(PortQueue)));
  if (!q) uk_panic("channels: out of memory for a port queue");
  q->port = port;
  *link = q;
  return q;
}

// `freed`: the queue was full, so a ring may have stalled on it and can move again.
bool pop_queued(uint16_t port, uk_msg* out, bool* freed) {
  PortQueue* q = port_queue(port, false);
  if (!q || !q->head) return false;
  if (q->count >= kPortQueueCap) *freed = true;
  --g_queued;
  QueuedMsg* m = q->head;
  q->head = m->next;
  if (!q->head) q->tail = nullptr;
  --q->count;
  copy_msg(out, &m->msg);
  free(m);
  return true;
}

// false when the port's queue holds `cap` messages (the message stays in its ring).
bool push_queued(const uk_msg& msg, unsigned cap = kPortQueueCap) {
  PortQueue* q = port_queue(msg.port, true);
  if (q->count >= cap) return false;
  ++q->count;
  ++g_queued;
  auto* m = static_cast<QueuedMsg*>(malloc(sizeof(QueuedMsg)));
  if (!m) uk_panic("channels: out of memory queueing a message for port %u", msg.port);
  copy_msg(&m->msg, &msg);
  m->next = nullptr;
  if (q->tail)
    q->tail->next = m;
  else
    q->head = m;
  q->tail = m;
  return true;
}

bool ring_has_messages(unsigned from) {
  Ring* r = g_layout.ring(from, self());
  return __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) != __atomic_load_n(&r->head, __ATOMIC_RELAXED);
}

// Whether an inbound ring not known to be stalled holds messages.
bool messages_waiting(uint32_t stalled) {
  for (unsigned from = 0; from < g_layout.partitions; ++from)
    if (!(stalled >> from & 1) && ring_has_messages(from)) return true;
  return false;
}

// Takes messages off the inbound rings until one for `port` turns up (into *out). Others go to
// their port queues; `moved` says whether any did; `stalled` gets a bit for each ring left
// waiting on a full port queue. rx lock held.
bool drain(uint16_t port, uk_msg* out, bool* moved, uint32_t* stalled) {
  const unsigned n = g_layout.partitions;
  for (unsigned k = 0; k < n; ++k) {
    const unsigned from = (g_rx_next + k) % n;
    Ring* r = g_layout.ring(from, self());
    bool consumed = false, found = false;
    for (uint32_t head = r->head; head != __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);) {
      const uk_msg& slot = r->slots[head % kRingSlots];
      if (slot.port == port) {
        copy_msg(out, &slot);
        found = true;
      } else if (push_queued(slot)) {
        *moved = true;
      } else {
        *stalled |= 1u << from;  // that port is backed up: leave the rest of this ring
        break;
      }
      __atomic_store_n(&r->head, ++head, __ATOMIC_RELEASE);
      consumed = true;
      count(g_stats.received);
      if (found) break;
    }
    if (consumed) wake_if_sleeping(&g_layout.header()->mailbox[from].sender_sleeping, from);
    if (found) {
      g_rx_next = (from + 1) % n;  // fairness between senders
      return true;
    }
  }
  return false;
}

}  // namespace

const Layout& layout() { return ensure_area(); }
unsigned self() { return g_self; }

void ring_doorbell(unsigned p) {
  const uint64_t harts = harts_of(p);
  if (!harts) return;
  count(g_stats.ipis_sent);
  __atomic_store_n(&g_layout.header()->mailbox[p].doorbell, 1u, __ATOMIC_RELEASE);
  clint::send_ipi(unsigned(__builtin_ctzll(harts)));
}

// Straight onto the port's queue, whatever its length: a partition's own requests are few (one
// per task or offloaded call in flight), and behind the data in its own ring they could wait
// forever: the ring may be full of messages for the very thread sending, which reads them only
// once its send returns (wordcount's reducer starting a task while the mappers it started fill
// the ring with its pairs).
void send_to_self(uk_msg* msg) {
  ensure_area();
  uint64_t irq = uk_spin_lock(&g_tx_lock[self()]);
  msg->src_partition = uint16_t(self());
  msg->seq = ++g_tx_seq[self()];
  uk_spin_unlock(&g_tx_lock[self()], irq);
  irq = uk_spin_lock(&g_rx_lock);
  push_queued(*msg, ~0u);
  uk_spin_unlock(&g_rx_lock, irq);
  count(g_stats.sent);
  count(g_stats.received);
  event_signal();
}

void init() {
  const uk_boot_config& c = boot_config();
  g_layout.partitions = c.partition_count ? c.partition_count : 1;
  g_self = c.partition_index;
  if (!c.channel_base || !c.channel_size) return;  // one partition: a local area, on first use
  g_layout.base = reinterpret_cast<uint8_t*>(c.channel_base);
  g_layout.size = c.channel_size;
  check_fits();
  __atomic_store_n(&g_ready, true, __ATOMIC_RELEASE);
}

// Only a doorbell wakes the channel waiters: waking them on every software interrupt would make
// each wake-up (an IPI to the waiter's hart) wake them again.
void on_doorbell() {
  if (!__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE)) return;
  uint32_t* bell = &g_layout.header()->mailbox[g_self].doorbell;
  if (__atomic_load_n(bell, __ATOMIC_RELAXED) && __atomic_exchange_n(bell, 0u, __ATOMIC_ACQ_REL))
    event_signal();
}

}  // namespace uk::mk

using namespace uk;
using namespace uk::mk;

extern "C" int uk_partition_self(void) { return int(self()); }
extern "C" int uk_partition_count(void) { return int(layout().partitions); }
extern "C" int uk_partition_harts(int p) {
  if (p < 0 || unsigned(p) >= layout().partitions) return 0;
  return __builtin_popcountll(harts_of(unsigned(p)));
}
extern "C" int uk_partition_tagged(int p) {
  if (p < 0 || unsigned(p) >= layout().partitions) return 0;
  const uint64_t harts = harts_of(unsigned(p));
  return harts && (boot_config().tagged_harts & harts) == harts;
}

extern "C" uint16_t uk_reply_port(void) {
  return uint16_t(UK_PORT_USER_MAX + 1 + uk_thread_id(uk_thread_self()) % 0xbffe);
}

namespace uk::mk {
namespace {

// No slot free in r for its (only) sender.
bool ring_full(const Ring* r) {
  return r->tail - __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) >= kRingSlots;
}

// The ring to dst is full: waits for room (or fails with -EAGAIN), with the lock released. Out of
// line so the common path of send stays short.
[[gnu::noinline]] int wait_for_room(Ring* r, unsigned dst, int flags, uint64_t* irq) {
  uk_spin_unlock(&g_tx_lock[dst], *irq);
  if (flags & UK_CHAN_NONBLOCK) return -EAGAIN;
  count(g_stats.full_waits);
  uint32_t* my_flag = &layout().header()->mailbox[self()].sender_sleeping;
  for (;;) {
    poll_briefly([r] { return !ring_full(r); });
    if (flags & UK_CHAN_POLL) {
      uk_yield();
    } else {
      const uint64_t seen = event_generation();
      announce_sleep(my_flag);
      if (ring_full(r)) event_wait(seen);
    }
    *irq = uk_spin_lock(&g_tx_lock[dst]);
    if (!ring_full(r)) return 0;
    uk_spin_unlock(&g_tx_lock[dst], *irq);
  }
}

}  // namespace
}  // namespace uk::mk

extern "C" int uk_chan_send(int dst, uk_msg* msg, int flags) {
  ensure_area();
  if (dst < 0 || unsigned(dst) >= layout().partitions || !msg || msg->port == 0 ||
      msg->length > UK_MSG_PAYLOAD)
    return -EINVAL;
  Ring* r = layout().ring(self(), unsigned(dst));
  // The lock (local senders to dst take turns) is never held while waiting for room.
  uint64_t irq = uk_spin_lock(&g_tx_lock[dst]);
  if (ring_full(r)) [[unlikely]] {
    if (const int failed = wait_for_room(r, unsigned(dst), flags, &irq)) return failed;
  }
  const uint32_t tail = r->tail;
  uk_msg& slot = r->slots[tail % kRingSlots];
  copy_msg(&slot, msg);
  slot.src_partition = uint16_t(self());
  slot.seq = ++g_tx_seq[dst];
  msg->seq = slot.seq;
  __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
  count(g_stats.sent);
  uk_spin_unlock(&g_tx_lock[dst], irq);
  wake_if_sleeping(&layout().header()->mailbox[dst].receiver_sleeping, unsigned(dst));
  return 0;
}

namespace uk::mk {
namespace {

// Nothing for the port yet: waits as flags say. Out of line, like wait_for_room.
[[gnu::noinline]] void wait_for_message(int flags, uint64_t seen, uint32_t stalled) {
  poll_briefly([stalled] { return messages_waiting(stalled); });
  if (flags & UK_CHAN_POLL) {
    if (!messages_waiting(stalled)) uk_yield();
    return;
  }
  announce_sleep(&layout().header()->mailbox[self()].receiver_sleeping);
  if (!messages_waiting(stalled)) event_wait(seen);
}

}  // namespace
}  // namespace uk::mk

extern "C" int uk_chan_recv(uint16_t port, uk_msg* out, int flags) {
  ensure_area();
  if (port == 0 || !out) return -EINVAL;
  for (;;) {
    const uint64_t seen = event_generation();
    bool moved = false, freed = false, found;
    uint32_t stalled = 0;
    const uint64_t irq = uk_spin_lock(&g_rx_lock);  // the allocator's lock nests inside
    found = (g_queued && pop_queued(port, out, &freed)) || drain(port, out, &moved, &stalled);
    uk_spin_unlock(&g_rx_lock, irq);
    if (moved || freed) [[unlikely]]
      event_signal();  // another port has mail, or a stalled ring can move
    if (found) return 0;
    if (flags & UK_CHAN_NONBLOCK) return -EAGAIN;
    wait_for_message(flags, seen, stalled);
  }
}

extern "C" void uk_chan_stats(struct uk_chan_stats* out) {
  if (!out) return;
  out->sent = __atomic_load_n(&g_stats.sent, __ATOMIC_RELAXED);
  out->received = __atomic_load_n(&g_stats.received, __ATOMIC_RELAXED);
  out->full_waits = __atomic_load_n(&g_stats.full_waits, __ATOMIC_RELAXED);
  out->sleeps = __atomic_load_n(&g_stats.sleeps, __ATOMIC_RELAXED);
  out->ipis_sent = __atomic_load_n(&g_stats.ipis_sent, __ATOMIC_RELAXED);
}
