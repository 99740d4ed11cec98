// On top of channels: request/reply RPC (the reply goes to the caller's own reply port), the
// machine-wide name service (a table in channel memory under a spinlock every partition can
// take), and shared buffers carved from channel memory.
#include <errno.h>
#include <string.h>

#include "mk/mk.h"
#include "unitag/kernel.h"
#include "unitag/thread.h"

using namespace uk::mk;

namespace {

// Replies carry the handler's status in `type` (a length >= 0, or -errno).
int reply_status(const uk_msg& m) { return int(int32_t(m.type)); }

}  // namespace

extern "C" int uk_rpc_call(int dst, uint16_t port, uint32_t op, const void* req, size_t len,
                           void* reply, size_t cap) {
  if (len > UK_MSG_PAYLOAD || (len && !req)) return -EINVAL;
  uk_msg m = {};
  m.port = port;
  m.reply_port = uk_reply_port();
  m.type = op;
  m.length = uint16_t(len);
  if (len) memcpy(m.data, req, len);
  if (const int r = uk_chan_send(dst, &m, 0); r < 0) return r;
  uk_msg answer;
  if (const int r = uk_chan_recv(m.reply_port, &answer, 0); r < 0) return r;
  const int status = reply_status(answer);
  if (status > 0 && reply) memcpy(reply, answer.data, size_t(status) < cap ? size_t(status) : cap);
  return status;
}

extern "C" int uk_rpc_serve(uint16_t port, uk_rpc_handler handler, void* ctx) {
  if (!handler || port == 0 || port > UK_PORT_USER_MAX) return -EINVAL;
  for (;;) {
    uk_msg req;
    if (const int r = uk_chan_recv(port, &req, 0); r < 0) return r;
    uk_msg out = {};
    int status = handler(req.type, req.data, req.length, out.data, ctx);
    const bool stop = status == UK_RPC_STOP;
    if (stop) status = 0;
    if (status > int(UK_MSG_PAYLOAD)) status = -EMSGSIZE;
    if (req.reply_port) {
      out.port = req.reply_port;
      out.type = uint32_t(status);
      out.length = uint16_t(status > 0 ? status : 0);
      uk_chan_send(req.src_partition, &out, 0);
    }
    if (stop) return 0;
  }
}

extern "C" int uk_name_register(const char* name, uint16_t port) {
  if (!name || !*name || strlen(name) >= sizeof(NameEntry::name) || port == 0) return -EINVAL;
  Header* h = layout().header();
  const uint64_t flags = uk_spin_lock(&h->names_lock);
  NameEntry* free_slot = nullptr;
  int result = 0;
  for (NameEntry& e : h->names) {
    if (e.partition && strcmp(e.name, name) == 0) {
      result = -EEXIST;
      break;
    }
    if (!e.partition && !free_slot) free_slot = &e;
  }
  if (result == 0 && !free_slot) result = -ENOSPC;
  if (result == 0) {
    strcpy(free_slot->name, name);
    free_slot->port = port;
    __atomic_store_n(&free_slot->partition, self() + 1, __ATOMIC_RELEASE);
  }
  uk_spin_unlock(&h->names_lock, flags);
  return result;
}

extern "C" int uk_name_lookup(const char* name, int* partition, uint16_t* port,
                              uint64_t timeout_ns) {
  if (!name) return -EINVAL;
  Header* h = layout().header();
  const uint64_t deadline = uk_time_ns() + timeout_ns;
  for (;;) {
    const uint64_t flags = uk_spin_lock(&h->names_lock);
    for (const NameEntry& e : h->names) {
      if (e.partition && strcmp(e.name, name) == 0) {
        if (partition) *partition = int(e.partition - 1);
        if (port) *port = e.port;
        uk_spin_unlock(&h->names_lock, flags);
        return 0;
      }
    }
    uk_spin_unlock(&h->names_lock, flags);
    if (uk_time_ns() >= deadline) return -ENOENT;
    uk_sleep_ns(50'000);  // registrations are rare: poll gently
  }
}

extern "C" void* uk_shared_alloc(size_t size) {
  const Layout& l = layout();
  const size_t rounded = (size + 63) & ~size_t{63};
  const size_t room = l.size - l.shared_offset();
  uint64_t* cursor = &l.header()->shared_cursor;
  uint64_t at = __atomic_load_n(cursor, __ATOMIC_RELAXED);
  do {
    if (rounded > room - at || size == 0) return nullptr;
  } while (!__atomic_compare_exchange_n(cursor, &at, at + rounded, true, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED));
  return l.base + l.shared_offset() + at;
}

extern "C" size_t uk_shared_free_bytes(void) {
  const Layout& l = layout();
  return l.size - l.shared_offset() - __atomic_load_n(&l.header()->shared_cursor, __ATOMIC_RELAXED);
}
