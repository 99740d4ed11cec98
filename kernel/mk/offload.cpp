// Work across partitions: every partition runs service threads (one per hart) that take tasks
// and offloaded critical calls from the service port; the placement strategy (unitag run
// --placement) decides where bulk work and critical calls go, knowing which partitions are
// tagged. A service runs an offloaded call only if its function lies in the UK_CRITICAL section,
// so an untagged partition cannot make a tagged one run arbitrary code through it.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/boot.h"
#include "mk/mk.h"
#include "unitag/bootinfo.h"
#include "unitag/kernel.h"
#include "unitag/sync.h"
#include "unitag/thread.h"

extern "C" char __unitag_critical_start[], __unitag_critical_end[];

namespace uk::mk {
namespace {

enum MessageType : uint32_t { kTask = 1, kTaskDone, kOffload, kOffloadDone };

struct TaskRequest {
  uint64_t fn, arg, id;
};
struct TaskDone {
  int64_t id, result;
};
struct OffloadRequest {
  uint64_t fn, args[5];
};
struct OffloadDone {
  int64_t status, result;
};
static_assert(sizeof(OffloadRequest) <= UK_MSG_PAYLOAD);

uint64_t g_offloads_made, g_offloads_served, g_next_task = 1, g_rr;
uint32_t g_services_started;

// Results that reached a thread's reply port while it waited for another task.
struct Finished {
  uint16_t port;
  int64_t id, result;
  Finished* next;
};
Finished* g_finished;
uk_mutex g_finished_lock = UK_MUTEX_INIT;

void keep_finished(uint16_t port, const TaskDone& done) {
  auto* f = static_cast<Finished*>(malloc(sizeof(Finished)));
  if (!f) uk_panic("multikernel: out of memory keeping a task result");
  *f = {port, done.id, done.result, nullptr};
  uk_mutex_lock(&g_finished_lock);
  f->next = g_finished;
  g_finished = f;
  uk_mutex_unlock(&g_finished_lock);
}

bool is_critical(uint64_t fn) {
  return fn >= reinterpret_cast<uintptr_t>(__unitag_critical_start) &&
         fn < reinterpret_cast<uintptr_t>(__unitag_critical_end);
}

// Sends `body` as a message of `type` to port of partition p, answers to come to reply_port.
int send_body(int p, uint16_t port, uint16_t reply_port, uint32_t type, const void* body,
              size_t len) {
  uk_msg m = {};
  m.port = port;
  m.reply_port = reply_port;
  m.type = type;
  m.length = uint16_t(len);
  memcpy(m.data, body, len);
  if (unsigned(p) == self()) {
    send_to_self(&m);
    return 0;
  }
  return uk_chan_send(p, &m, 0);
}

void reply(const uk_msg& to, uint32_t type, const void* body, size_t len) {
  if (to.reply_port) send_body(to.src_partition, to.reply_port, 0, type, body, len);
}

void* service_main(void*) {
  for (;;) {
    uk_msg m;
    if (uk_chan_recv(kServicePort, &m, 0) < 0) continue;
    if (m.type == kTask) {
      TaskRequest t;
      memcpy(&t, m.data, sizeof t);
      const TaskDone done = {int64_t(t.id), reinterpret_cast<uk_task_fn>(t.fn)(long(t.arg))};
      reply(m, kTaskDone, &done, sizeof done);
    } else if (m.type == kOffload) {
      OffloadRequest r;
      memcpy(&r, m.data, sizeof r);
      OffloadDone done = {-EPERM, 0};
      if (is_critical(r.fn)) {
        const auto fn = reinterpret_cast<uk_critical_fn>(r.fn);
        done = {0, fn(long(r.args[0]), long(r.args[1]), long(r.args[2]), long(r.args[3]),
                      long(r.args[4]))};
        count(g_offloads_served);
      }
      reply(m, kOffloadDone, &done, sizeof done);
    }
  }
  return nullptr;
}

bool is_tagged(unsigned p) { return uk_partition_tagged(int(p)); }

// Round robin: the (i mod count)-th partition satisfying `pick`, or -1 when none does.
int nth_partition(bool (*pick)(unsigned), uint64_t i) {
  const unsigned n = layout().partitions;
  unsigned count = 0;
  for (unsigned p = 0; p < n; ++p) count += pick(p);
  if (count == 0) return -1;
  unsigned k = unsigned(i % count);
  for (unsigned p = 0; p < n; ++p)
    if (pick(p) && k-- == 0) return int(p);
  return -1;
}

bool eligible_for_bulk(unsigned p) {
  if (!harts_of(p)) return false;  // not running
  const bool tagged = uk_partition_tagged(int(p));
  return uk_placement() == UK_PLACE_ALL_TAGGED ? tagged : !tagged;
}

}  // namespace

void start_services() {
  if (__atomic_exchange_n(&g_services_started, 1u, __ATOMIC_ACQ_REL)) return;
  for (unsigned h = 0; h < boot_config().hart_count; ++h) {
    const uk_thread_attr attr = {int(h), 32 * 1024, "uk-service"};
    uk_thread* t = uk_thread_create(service_main, nullptr, &attr);
    if (!t) uk_panic("multikernel: cannot start the service thread of hart %u", h);
    uk_thread_detach(t);
  }
}

}  // namespace uk::mk

using namespace uk;
using namespace uk::mk;

extern "C" enum uk_placement uk_placement(void) {
  switch (boot_config().placement) {
    case UNITAG_PLACEMENT_ALL_TAGGED:
      return UK_PLACE_ALL_TAGGED;
    case UNITAG_PLACEMENT_NONE_TAGGED:
      return UK_PLACE_NONE_TAGGED;
    default:
      return UK_PLACE_CRITICAL_ONLY;
  }
}

extern "C" const char* uk_placement_name(void) {
  static const char* const names[] = {"critical-only", "all-tagged", "none-tagged"};
  return names[uk_placement()];
}

extern "C" int uk_place_bulk(unsigned i) {
  const int p = nth_partition(eligible_for_bulk, i);
  return p >= 0 ? p : int(self());
}

extern "C" long uk_task_start(int p, uk_task_fn fn, long arg) {
  if (p < 0 || unsigned(p) >= layout().partitions || !fn) return -EINVAL;
  if (unsigned(p) == self()) start_services();
  const TaskRequest t = {reinterpret_cast<uintptr_t>(fn), uint64_t(arg),
                         __atomic_fetch_add(&g_next_task, 1, __ATOMIC_RELAXED)};
  if (const int r = send_body(p, kServicePort, uk_reply_port(), kTask, &t, sizeof t); r < 0)
    return r;
  return long(t.id);
}

extern "C" int uk_task_join(long task, long* result) {
  const uint16_t port = uk_reply_port();
  uk_mutex_lock(&g_finished_lock);
  for (Finished** link = &g_finished; *link; link = &(*link)->next) {
    Finished* f = *link;
    if (f->port == port && f->id == task) {
      if (result) *result = f->result;
      *link = f->next;
      free(f);
      uk_mutex_unlock(&g_finished_lock);
      return 0;
    }
  }
  uk_mutex_unlock(&g_finished_lock);
  if (task <= 0 || uint64_t(task) >= __atomic_load_n(&g_next_task, __ATOMIC_RELAXED))
    return -EINVAL;
  for (;;) {
    uk_msg m;
    if (const int r = uk_chan_recv(port, &m, 0); r < 0) return r;
    if (m.type != kTaskDone) continue;
    TaskDone done;
    memcpy(&done, m.data, sizeof done);
    if (done.id == task) {
      if (result) *result = done.result;
      return 0;
    }
    keep_finished(port, done);
  }
}

extern "C" long uk_offload(uk_critical_fn fn, long a0, long a1, long a2, long a3, long a4) {
  int target = -1;
  if (uk_placement() == UK_PLACE_CRITICAL_ONLY && !is_tagged(self()))
    target = nth_partition(is_tagged, __atomic_fetch_add(&g_rr, 1, __ATOMIC_RELAXED));
  if (target < 0) return fn(a0, a1, a2, a3, a4);  // critical code runs here
  count(g_offloads_made);
  const OffloadRequest r = {reinterpret_cast<uintptr_t>(fn),
                            {uint64_t(a0), uint64_t(a1), uint64_t(a2), uint64_t(a3), uint64_t(a4)}};
  const uint16_t reply_port = uk_reply_port();
  if (send_body(target, kServicePort, reply_port, kOffload, &r, sizeof r) < 0)
    uk_panic("offload: cannot reach partition %d", target);
  for (;;) {
    uk_msg answer;
    uk_chan_recv(reply_port, &answer, 0);
    if (answer.type == kTaskDone) {  // a task this thread started finished meanwhile
      TaskDone done;
      memcpy(&done, answer.data, sizeof done);
      keep_finished(reply_port, done);
    }
    if (answer.type != kOffloadDone) continue;
    OffloadDone done;
    memcpy(&done, answer.data, sizeof done);
    if (done.status < 0)
      uk_panic("offload: partition %d refused %p: it is not a UK_CRITICAL function", target,
               reinterpret_cast<void*>(fn));
    return long(done.result);
  }
}

extern "C" void uk_offload_counts(uint64_t* made, uint64_t* served) {
  if (made) *made = __atomic_load_n(&g_offloads_made, __ATOMIC_RELAXED);
  if (served) *served = __atomic_load_n(&g_offloads_served, __ATOMIC_RELAXED);
}
