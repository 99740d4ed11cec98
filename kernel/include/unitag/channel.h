/* The multikernel, as an application sees it: partitions (one library-OS kernel each), messages
 * between them over channels in shared memory, RPC and a name service on top, shared buffers,
 * tasks spawned on another partition, and the offload of critical functions to tagged
 * partitions. docs/multikernel.md explains the design and shows the figures.
 *
 * A run with one partition (plain SMP, or QEMU) has the same API: messages to partition 0 loop
 * back, and offloaded calls run in place. */
#ifndef UNITAG_CHANNEL_H
#define UNITAG_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- partitions ------------------------------------------------------------------------------ */
int uk_partition_self(void);
int uk_partition_count(void);
/* 1 when every hart of partition p checks tags. */
int uk_partition_tagged(int p);
/* Harts in partition p (0: not running). */
int uk_partition_harts(int p);

/* Elastic partitions (unitag run --elastic N reserves N slots): a new kernel instance of this
 * image starts on idle harts while the system runs, and stops again, its harts returned. Only
 * untagged harts can host one. uk_partition_start returns the new partition's index or -errno
 * (-ENOSYS without a partition controller, -EBUSY harts in use, -ENOSPC no free slot, -EPERM
 * tagged harts); stop a partition only when it is idle (its tasks joined): what it was doing is
 * dropped. */
uint64_t uk_idle_harts(void); /* machine hart mask of harts in no partition */
int uk_partition_start(uint64_t harts);
int uk_partition_stop(int p);

/* --- messages -------------------------------------------------------------------------------- */
#define UK_MSG_PAYLOAD 48

/* One message: a 64-byte slot of a channel ring. */
typedef struct __attribute__((aligned(8))) uk_msg {
  uint16_t src_partition; /* filled in by send */
  uint16_t reply_port;    /* where the receiver should answer (0: nowhere) */
  uint16_t port;          /* the destination port */
  uint16_t length;        /* payload bytes used */
  uint32_t type;          /* the application's; RPC puts the operation here */
  uint32_t seq;           /* filled in by send: per (sender, receiver) channel, from 1 */
  uint8_t data[UK_MSG_PAYLOAD];
} uk_msg;

/* Flags of send and receive. Blocking is the default; a blocked caller sleeps until the other
 * side's inter-processor interrupt wakes it, or with UK_CHAN_POLL spins (yielding) instead. */
#define UK_CHAN_NONBLOCK 1 /* -EAGAIN instead of waiting (ring full / nothing to receive) */
#define UK_CHAN_POLL 2     /* wait by polling, not by interrupt */

/* Ports 1..UK_PORT_USER_MAX are the application's; the kernel uses the rest. */
#define UK_PORT_USER_MAX 0x3fff

/* Sends msg to `port` of partition dst. 0, -EAGAIN (full, UK_CHAN_NONBLOCK), -EINVAL (no such
 * partition or port, length > UK_MSG_PAYLOAD). Waits while the ring is full (backpressure). */
int uk_chan_send(int dst, uk_msg* msg, int flags);
/* Receives the next message for `port` of this partition, from any partition, in the order each
 * sender sent them. 0, -EAGAIN (nothing, UK_CHAN_NONBLOCK), -EINVAL. */
int uk_chan_recv(uint16_t port, uk_msg* out, int flags);
/* The calling thread's private reply port. */
uint16_t uk_reply_port(void);

/* Channel statistics of this partition. */
struct uk_chan_stats {
  uint64_t sent, received, full_waits, sleeps, ipis_sent;
};
void uk_chan_stats(struct uk_chan_stats* out);

/* --- RPC and names --------------------------------------------------------------------------- */
/* Calls operation `op` of the server on (dst, port) with a request of up to UK_MSG_PAYLOAD
 * bytes; the reply is copied to reply (at most cap bytes). Returns the reply length, or -errno. */
int uk_rpc_call(int dst, uint16_t port, uint32_t op, const void* req, size_t len, void* reply,
                size_t cap);
/* A server's handler: fills reply (up to UK_MSG_PAYLOAD bytes), returns its length or -errno
 * (the caller's uk_rpc_call then returns that). */
typedef int (*uk_rpc_handler)(uint32_t op, const void* req, size_t len, void* reply, void* ctx);
/* Serves requests on port until a handler returns UK_RPC_STOP. Returns 0. */
#define UK_RPC_STOP (-1000)
int uk_rpc_serve(uint16_t port, uk_rpc_handler handler, void* ctx);

/* The name service: names (up to 23 characters) of (partition, port) pairs, machine-wide. */
int uk_name_register(const char* name, uint16_t port); /* -EEXIST, -ENOSPC, -EINVAL */
/* Finds a name, waiting up to timeout_ns for it to be registered (0: do not wait): 0 or
 * -ENOENT. */
int uk_name_lookup(const char* name, int* partition, uint16_t* port, uint64_t timeout_ns);

/* --- shared memory --------------------------------------------------------------------------- */
/* Memory every partition can read and write (the only such memory). Allocations live until the
 * run ends: meant for buffers set up once (inputs, result arrays). NULL when it runs out. */
void* uk_shared_alloc(size_t size);
size_t uk_shared_free_bytes(void);

/* --- tasks and offload ----------------------------------------------------------------------- */
/* Runs fn(arg) on partition p (its service threads, one per hart) and returns a task id, or
 * -errno. arg must make sense there: an integer, or a pointer into shared memory. */
typedef long (*uk_task_fn)(long arg);
long uk_task_start(int p, uk_task_fn fn, long arg);
/* Waits for a task this thread started; stores its result. 0 or -EINVAL (unknown task). */
int uk_task_join(long task, long* result);

/* Where work goes (unitag run --placement): */
enum uk_placement {
  UK_PLACE_CRITICAL_ONLY = 0, /* bulk on untagged partitions; critical calls offloaded */
  UK_PLACE_ALL_TAGGED = 1,    /* everything on tagged partitions */
  UK_PLACE_NONE_TAGGED = 2    /* everything on untagged partitions; critical calls run in place */
};
enum uk_placement uk_placement(void);
const char* uk_placement_name(void);
/* The partition for bulk work item i under the placement (round robin over the eligible
 * partitions; this partition when none is eligible). */
int uk_place_bulk(unsigned i);

/* Critical code: a function in this section may be offloaded to a tagged partition. */
#define UK_CRITICAL __attribute__((section(".text.unitag.critical"), noinline, used))
/* Calls fn(a0..a4) where the placement says critical code runs: on a tagged partition (through
 * a channel: arguments are integers or pointers into shared memory) or in place. */
typedef long (*uk_critical_fn)(long, long, long, long, long);
long uk_offload(uk_critical_fn fn, long a0, long a1, long a2, long a3, long a4);
/* Defines an ordinary function `R name(T0 a0, ...)` whose callers need not know it is critical:
 * its body (written after the macro) is placed in the critical section, and each call goes
 * through uk_offload. Parameters and result must be integers or pointers (into shared memory).
 *   UK_OFFLOADED2(long, parse_request, const char*, text, long, length) { ...body... } */
#define UK_OFFLOADED_(R, name, params, call, casts)                                    \
  static R name##__critical params UK_CRITICAL;                                        \
  UK_CRITICAL static long name##__thunk(long x0, long x1, long x2, long x3, long x4) { \
    (void)x0, (void)x1, (void)x2, (void)x3, (void)x4;                                  \
    return (long)name##__critical casts;                                               \
  }                                                                                    \
  R name params { return (R)uk_offload call; }                                         \
  static R name##__critical params
#define UK_OFFLOADED1(R, name, T0, a0) \
  UK_OFFLOADED_(R, name, (T0 a0), (name##__thunk, (long)(a0), 0, 0, 0, 0), ((T0)x0))
#define UK_OFFLOADED2(R, name, T0, a0, T1, a1)                                             \
  UK_OFFLOADED_(R, name, (T0 a0, T1 a1), (name##__thunk, (long)(a0), (long)(a1), 0, 0, 0), \
                ((T0)x0, (T1)x1))
#define UK_OFFLOADED3(R, name, T0, a0, T1, a1, T2, a2)                     \
  UK_OFFLOADED_(R, name, (T0 a0, T1 a1, T2 a2),                            \
                (name##__thunk, (long)(a0), (long)(a1), (long)(a2), 0, 0), \
                ((T0)x0, (T1)x1, (T2)x2))

/* Offloaded calls this partition made and served. */
void uk_offload_counts(uint64_t* made, uint64_t* served);

#ifdef __cplusplus
}
#endif

#endif
