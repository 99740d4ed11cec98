/* Multikernel self-tests: one image on every partition, one scenario per argv[1]. Partition 0
 * drives and prints; the others play their part and return (they keep serving). Every check
 * prints what it saw, so a failure says what went wrong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unitag/channel.h>
#include <unitag/kernel.h>
#include <unitag/thread.h>

#define PORT_DATA 10
#define PORT_ADDER 11
#define PORT_READY 12

static int failures;
#define CHECK(cond, ...)          \
  do {                            \
    if (!(cond)) {                \
      printf("FAIL: " __VA_ARGS__); \
      printf("\n");               \
      ++failures;                 \
    }                             \
  } while (0)

static uint64_t cycles(void) {
  uint64_t v;
  __asm__ volatile("rdcycle %0" : "=r"(v));
  return v;
}

static void put_u64(uk_msg* m, unsigned i, uint64_t v) { memcpy(m->data + 8 * i, &v, 8); }
static uint64_t get_u64(const uk_msg* m, unsigned i) {
  uint64_t v;
  memcpy(&v, m->data + 8 * i, 8);
  return v;
}

static int send_value(int dst, uint16_t port, uint32_t type, uint64_t a, uint64_t b, int flags) {
  uk_msg m = {0};
  m.port = port;
  m.type = type;
  m.length = 16;
  put_u64(&m, 0, a);
  put_u64(&m, 1, b);
  return uk_chan_send(dst, &m, flags);
}

/* --- info: what each partition sees ---------------------------------------------------------- */
static int info(void) {
  const int self = uk_partition_self();
  if (self != 0) {
    send_value(0, PORT_DATA, 1, (uint64_t)self, uk_hart_count(), 0);
    return 0;
  }
  printf("partition 0 of %d, %u harts, placement %s\n", uk_partition_count(), uk_hart_count(),
         uk_placement_name());
  for (int i = 1; i < uk_partition_count(); ++i) {
    uk_msg m;
    uk_chan_recv(PORT_DATA, &m, 0);
    printf("partition %llu reports %llu harts (tagged %d)\n", (unsigned long long)get_u64(&m, 0),
           (unsigned long long)get_u64(&m, 1), uk_partition_tagged((int)get_u64(&m, 0)));
  }
  return 0;
}

/* --- stress: many-to-one, every message exactly once and in order per sender ------------------ */
struct sender_arg {
  int dst;
  unsigned id;
  unsigned count;
};
static void* sender_thread(void* p) {
  const struct sender_arg* a = p;
  for (unsigned i = 1; i <= a->count; ++i)
    if (send_value(a->dst, PORT_DATA, 2, a->id, i, 0) != 0) return (void*)1;
  return NULL;
}

static int stress(unsigned per_sender, unsigned threads) {
  const int self = uk_partition_self(), n = uk_partition_count();
  if (self != 0) {
    uk_thread* t[8];
    struct sender_arg args[8];
    for (unsigned k = 0; k < threads; ++k) {
      args[k] = (struct sender_arg){0, (unsigned)self * 100 + k, per_sender};
      struct uk_thread_attr attr = {UK_HART_ANY, 0, "sender"};
      t[k] = uk_thread_create(sender_thread, &args[k], &attr);
    }
    for (unsigned k = 0; k < threads; ++k) uk_thread_join(t[k], NULL);
    return 0;
  }
  const unsigned senders = (unsigned)(n - 1) * threads;
  uint32_t next[16 * 8];
  uint64_t total = 0, out_of_order = 0, unknown = 0;
  for (unsigned i = 0; i < sizeof next / sizeof next[0]; ++i) next[i] = 1;
  const uint64_t expected = (uint64_t)senders * per_sender;
  while (total < expected) {
    uk_msg m;
    if (uk_chan_recv(PORT_DATA, &m, 0) != 0) break;
    const uint64_t id = get_u64(&m, 0), value = get_u64(&m, 1);
    const unsigned slot = (unsigned)(id / 100 - 1) * threads + (unsigned)(id % 100);
    if (id / 100 < 1 || id / 100 >= (uint64_t)n || id % 100 >= threads) {
      ++unknown;
    } else {
      if (value != next[slot]) ++out_of_order;
      next[slot] = (uint32_t)value + 1;
    }
    ++total;
  }
  uk_msg extra;
  const int more = uk_chan_recv(PORT_DATA, &extra, UK_CHAN_NONBLOCK);
  struct uk_chan_stats s;
  uk_chan_stats(&s);
  printf("stress: %llu messages from %u senders (%u partitions x %u threads), %llu out of order, "
         "%llu unknown, %s\n",
         (unsigned long long)total, senders, n - 1, threads, (unsigned long long)out_of_order,
         (unsigned long long)unknown, more == -EAGAIN ? "none extra" : "EXTRA MESSAGES");
  CHECK(total == expected && out_of_order == 0 && unknown == 0 && more == -EAGAIN,
        "stress lost, duplicated or reordered messages");
  printf("stress: receiver slept %s\n", s.sleeps ? "at least once" : "never");
  return failures;
}

/* --- backpressure: a full ring refuses a non-blocking send, a blocking one waits -------------- */
static int backpressure(void) {
  const int self = uk_partition_self();
  if (self == 1) {
    unsigned accepted = 0;
    while (send_value(0, PORT_DATA, 3, accepted, 0, UK_CHAN_NONBLOCK) == 0) ++accepted;
    /* the ring is full: this send waits until partition 0 makes room; it carries the count */
    return send_value(0, PORT_DATA, 4, accepted, accepted, 0) == 0 ? 0 : 1;
  }
  if (self != 0) return 0;
  uk_sleep_ns(50 * 1000 * 1000); /* let partition 1 fill the ring and block */
  unsigned got = 0;
  uk_msg m;
  do {
    if (uk_chan_recv(PORT_DATA, &m, 0) != 0) break;
    CHECK(get_u64(&m, 0) == got, "message %u carried %llu", got,
          (unsigned long long)get_u64(&m, 0));
    ++got;
  } while (m.type != 4);
  const unsigned long long accepted = get_u64(&m, 1);
  printf("backpressure: %llu non-blocking sends fitted before EAGAIN; received %u in order, the "
         "blocked sender completed\n",
         accepted, got);
  /* 64 in the ring, and up to 64 more a service thread may have queued for the port */
  CHECK(accepted >= 64 && accepted <= 128 && got == accepted + 1, "ring capacity");
  return failures;
}

/* --- rpc and names ------------------------------------------------------------------------- */
static int adder(uint32_t op, const void* req, size_t len, void* reply, void* ctx) {
  (void)ctx;
  if (op == 99) return UK_RPC_STOP;
  if (op != 1 || len != 16) return -EINVAL;
  int64_t a, b;
  memcpy(&a, req, 8);
  memcpy(&b, (const char*)req + 8, 8);
  const int64_t sum = a + b;
  memcpy(reply, &sum, 8);
  return 8;
}

static int serve_adder(void) {
  CHECK(uk_name_register("adder", PORT_ADDER) == 0, "register");
  CHECK(uk_name_register("adder", PORT_ADDER) == -EEXIST, "duplicate name accepted");
  return uk_rpc_serve(PORT_ADDER, adder, NULL);
}
static void* adder_thread(void* arg) {
  (void)arg;
  serve_adder();
  return NULL;
}

static int rpc(void) {
  const int self = uk_partition_self(), last = uk_partition_count() - 1;
  if (self == last && self != 0) return serve_adder();
  if (self != 0) return 0;
  if (last == 0) { /* one partition: the server is a thread here, calls loop back */
    struct uk_thread_attr attr = {UK_HART_ANY, 0, "adder"};
    uk_thread_detach(uk_thread_create(adder_thread, NULL, &attr));
  }
  int p = -1;
  uint16_t port = 0;
  const int found = uk_name_lookup("adder", &p, &port, 2000ull * 1000 * 1000);
  printf("rpc: lookup adder -> %d (partition %d, port %u)\n", found, p, port);
  const int missing = uk_name_lookup("no-such-service", &p, &port, 1000 * 1000);
  printf("rpc: lookup no-such-service -> %s\n", missing == -ENOENT ? "ENOENT" : "FOUND?");
  CHECK(missing == -ENOENT, "a missing name was found");
  if (found != 0) return 1;
  int64_t sum = 0, total = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    const int64_t req[2] = {i, 3 * i};
    if (uk_rpc_call(p, port, 1, req, sizeof req, &sum, sizeof sum) != 8) ++failures;
    total += sum;
  }
  const int bad = uk_rpc_call(p, port, 7, NULL, 0, NULL, 0);
  printf("rpc: 1000 calls, sum of results %lld (expected %lld); bad op -> %s\n", (long long)total,
         4LL * 999 * 1000 / 2, bad == -EINVAL ? "EINVAL" : "?");
  CHECK(total == 4LL * 999 * 1000 / 2 && bad == -EINVAL, "rpc results");
  uk_rpc_call(p, port, 99, NULL, 0, NULL, 0);
  return failures;
}

/* --- pingpong: round-trip time between partitions 0 and 1 ------------------------------------ */
static int pingpong(unsigned rounds, int flags) {
  const int self = uk_partition_self();
  const int peer = uk_partition_count() > 1 ? 1 : 0;
  if (self == 1) {
    uk_msg m;
    for (unsigned i = 0; i < rounds + 10; ++i) {
      if (uk_chan_recv(PORT_DATA, &m, flags) != 0) return 1;
      m.port = PORT_READY;
      uk_chan_send(0, &m, flags);
    }
    return 0;
  }
  if (self != 0) return 0;
  if (peer == 0) {
    printf("pingpong: needs two partitions\n");
    return 0;
  }
  uk_msg m = {0};
  for (unsigned i = 0; i < 10; ++i) { /* warm up: decode caches, first IPIs */
    m.port = PORT_DATA;
    uk_chan_send(peer, &m, flags);
    uk_chan_recv(PORT_READY, &m, flags);
  }
  const uint64_t c0 = cycles(), t0 = uk_time_ns();
  for (unsigned i = 0; i < rounds; ++i) {
    m.port = PORT_DATA;
    put_u64(&m, 0, i);
    uk_chan_send(peer, &m, flags);
    uk_chan_recv(PORT_READY, &m, flags);
    if (get_u64(&m, 0) != i) ++failures;
  }
  const uint64_t c1 = cycles(), t1 = uk_time_ns();
  printf("pingpong: %u round trips (%s), %llu cycles each on partition 0, %llu ns each\n",
         rounds, flags & UK_CHAN_POLL ? "polling" : "interrupts",
         (unsigned long long)((c1 - c0) / rounds), (unsigned long long)((t1 - t0) / rounds));
  CHECK(failures == 0, "pingpong echoed wrong values");
  return failures;
}

/* --- cost: instructions of one send and one receive (loopback, nothing waits) -------------- */
static uint64_t instret(void) {
  uint64_t v;
  __asm__ volatile("rdinstret %0" : "=r"(v));
  return v;
}

static int cost(void) {
  if (uk_partition_self() != 0) return 0;
  uk_msg m = {0};
  m.port = PORT_DATA;
  uint64_t send = 0, recv = 0;
  for (int i = 0; i < 110; ++i) {
    const uint64_t a = instret();
    uk_chan_send(0, &m, 0);
    const uint64_t b = instret();
    uk_chan_recv(PORT_DATA, &m, 0);
    const uint64_t c = instret();
    if (i >= 10) send += b - a, recv += c - b;
  }
  printf("cost: send %llu instructions, receive %llu (loopback, averages of 100)\n",
         (unsigned long long)(send / 100), (unsigned long long)(recv / 100));
  return 0;
}

/* --- tasks: spawned on every partition -------------------------------------------------------- */
static long square_on(long x) { return x * x + 1000000L * uk_partition_self(); }

static int tasks(void) {
  if (uk_partition_self() != 0) return 0;
  const int n = uk_partition_count();
  long ids[32], expected = 0, total = 0;
  for (int i = 0; i < 32; ++i) {
    ids[i] = uk_task_start(i % n, square_on, i);
    expected += (long)i * i + 1000000L * (i % n);
  }
  for (int i = 31; i >= 0; --i) { /* join in reverse: results wait for their joiner */
    long r = 0;
    CHECK(uk_task_join(ids[i], &r) == 0, "join task %d", i);
    total += r;
  }
  printf("tasks: 32 tasks over %d partitions, sum %ld (expected %ld)\n", n, total, expected);
  CHECK(total == expected, "task results");
  CHECK(uk_task_join(12345, NULL) == -EINVAL, "joining an unknown task");
  return failures;
}

/* --- self-start: a task started while a running one has filled this partition's own ring ----- */
#define PORT_FLOOD 13
static long flood(long count) {
  for (long i = 0; i < count; ++i) send_value(0, PORT_FLOOD, 1, (uint64_t)i, 0, 0);
  return count;
}

static int self_start(void) {
  if (uk_partition_self() != 0) return 0;
  const long count = 1000;
  const long first = uk_task_start(0, flood, count);
  /* Until the flood finds the ring full: with one hart nothing drains it while we do not receive
   * (the only service thread runs the flood). Starting a task then used to wait for room in that
   * ring forever, and nothing else could make any (every hart idle: a wfi deadlock). */
  for (struct uk_chan_stats s = {0}; s.full_waits == 0; uk_chan_stats(&s))
    uk_sleep_ns(1000 * 1000);
  const long second = uk_task_start(0, flood, count);
  uint64_t sum = 0;
  unsigned got = 0;
  uk_msg m;
  for (; got < 2 * count && uk_chan_recv(PORT_FLOOD, &m, 0) == 0; ++got) sum += get_u64(&m, 0);
  long r1 = 0, r2 = 0;
  CHECK(uk_task_join(first, &r1) == 0 && uk_task_join(second, &r2) == 0, "joining the floods");
  printf("self-start: second task started behind a full ring; %u messages, sum %llu, results "
         "%ld %ld\n",
         got, (unsigned long long)sum, r1, r2);
  CHECK(got == 2 * count && sum == (uint64_t)(count * (count - 1)) && r1 == count && r2 == count,
        "self-start results");
  return failures;
}

/* --- offload: a critical function runs where the placement says ------------------------------ */
UK_OFFLOADED2(long, where_and_sum, long, a, long, b) {
  return a + b + 1000L * uk_partition_self();
}

static long not_critical(long a, long b, long c, long d, long e) { return a + b + c + d + e; }

static int offload(const char* attack) {
  if (uk_partition_self() != 0) return 0;
  const long r = where_and_sum(1, 2);
  uint64_t made = 0;
  uk_offload_counts(&made, NULL);
  printf("offload: placement %s, critical call ran on partition %ld, %llu offloaded\n",
         uk_placement_name(), r / 1000, (unsigned long long)made);
  if (attack && strcmp(attack, "non-critical") == 0) {
    printf("offload: asking for a function outside the critical section\n");
    fflush(stdout);
    uk_offload(not_critical, 1, 2, 3, 4, 5);
  }
  return 0;
}

/* --- isolation: reaching into another partition's memory ------------------------------------ */
static int isolation(void) {
  if (uk_partition_self() != 0) return 0;
  const struct uk_boot_config* c = uk_boot_info();
  /* Private RAM ends at ram_end + the boot-info page; physically, partition 1's RAM follows. */
  volatile uint64_t* next = (volatile uint64_t*)(uintptr_t)(c->ram_end + 4096 + 64);
  printf("isolation: writing into partition 1 at %p\n", (void*)next);
  fflush(stdout);
  *next = 0xbad;
  printf("isolation: the write went through (it must not)\n");
  return 1;
}

static int crash(void) {
  if (uk_partition_self() == 1) uk_panic("partition 1 crashes on purpose");
  uk_sleep_ns(2000ull * 1000 * 1000); /* partition 0 waits; the crash ends the run first */
  printf("crash: partition 0 outlived the crash (it must not)\n");
  return 1;
}

/* --- elastic: the partition controller's answers -------------------------------------------- */
static const char* result_name(int r) {
  static char buf[16];
  switch (r) {
    case -EBUSY: return "EBUSY";
    case -EPERM: return "EPERM";
    case -EINVAL: return "EINVAL";
    case -ENOSPC: return "ENOSPC";
    case -ENOSYS: return "ENOSYS";
    default: snprintf(buf, sizeof buf, "%d", r); return buf;
  }
}

static int elastic(void) {
  if (uk_partition_self() != 0) return 0;
  const uint64_t idle = uk_idle_harts();
  printf("elastic: idle harts 0x%llx\n", (unsigned long long)idle);
  printf("elastic: start on hart 0 (busy) -> %s\n", result_name(uk_partition_start(1)));
  printf("elastic: start on tagged hart 2 -> %s\n", result_name(uk_partition_start(4)));
  const int p = uk_partition_start(2);
  printf("elastic: start on hart 1 -> %s\n", result_name(p));
  if (p < 0) return 0;
  printf("elastic: second start on hart 1 -> %s\n", result_name(uk_partition_start(2)));
  /* the new kernel boots and serves: a task proves it */
  long r = 0;
  const long id = uk_task_start(p, square_on, 7);
  uk_task_join(id, &r);
  printf("elastic: task on partition %d -> %ld\n", p, r);
  printf("elastic: stop partition 0 -> %s\n", result_name(uk_partition_stop(0)));
  printf("elastic: stop partition %d -> %s\n", p, result_name(uk_partition_stop(p)));
  printf("elastic: stop it again -> %s\n", result_name(uk_partition_stop(p)));
  printf("elastic: idle harts 0x%llx\n", (unsigned long long)uk_idle_harts());
  return 0;
}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "info";
  const unsigned count = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 0;
  const unsigned threads = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 1;
  if (!strcmp(what, "info")) return info();
  if (!strcmp(what, "stress")) return stress(count ? count : 10000, threads ? threads : 1);
  if (!strcmp(what, "backpressure")) return backpressure();
  if (!strcmp(what, "rpc")) return rpc();
  if (!strcmp(what, "pingpong")) return pingpong(count ? count : 1000, 0);
  if (!strcmp(what, "pingpong-poll")) return pingpong(count ? count : 1000, UK_CHAN_POLL);
  if (!strcmp(what, "tasks")) return tasks();
  if (!strcmp(what, "cost")) return cost();
  if (!strcmp(what, "elastic")) return elastic();
  if (!strcmp(what, "offload")) return offload(argc > 2 ? argv[2] : NULL);
  if (!strcmp(what, "isolation")) return isolation();
  if (!strcmp(what, "crash")) return crash();
  if (!strcmp(what, "self-start")) return self_start();
  printf("unknown scenario %s\n", what);
  return 2;
}
