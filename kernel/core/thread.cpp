// Thread lifecycle: creation (stack + TLS block in one allocation), start, exit, join, reaping.
// A dead thread's memory is freed by whoever next runs on its hart (finish_switch) when detached,
// or by its joiner once the thread is off its stack.
#include <stdlib.h>
#include <string.h>

#include "arch/riscv64/clint.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/fpu.h"
#include "core/boot.h"
#include "core/sched.h"
#include "posix/console.h"

namespace uk {
namespace {

unsigned g_next_id = 2;    // 1 is main
unsigned g_next_hart = 1;  // round-robin placement; main is on hart 0
unsigned g_live_threads;
constexpr size_t kMinStack = 4096;

size_t tls_align() {
  const size_t a = reinterpret_cast<uintptr_t>(__tls_align);
  return a < 16 ? 16 : a;
}

size_t tls_size() {
  const size_t size = size_t(__tbss_end - __tdata_start);
  return (size + 15) & ~size_t{15};
}

void tls_init(uint8_t* block) {
  const size_t init = size_t(__tdata_end - __tdata_start);
  memcpy(block, __tdata_start, init);
  memset(block + init, 0, size_t(__tbss_end - __tdata_start) - init);
}

// Allocates the thread, its stack (stack_size may be 0: runs on a stack it already has) and TLS.
uk_thread* allocate(size_t stack_size, const char* name) {
  auto* t = static_cast<uk_thread*>(calloc(1, sizeof(uk_thread)));
  if (!t) return nullptr;
  const size_t tls = tls_size();
  stack_size = (stack_size + 15) & ~size_t{15};
  uint8_t* block = static_cast<uint8_t*>(aligned_alloc(tls_align(), tls + stack_size + 16));
  if (!block) {
    free(t);
    return nullptr;
  }
  tls_init(block);
  t->tls = block;
  t->stack_base = block + tls;  // the TLS block sits below the stack
  t->stack_size = stack_size;
  strncpy(t->name, name ? name : "thread", sizeof t->name - 1);
  __atomic_add_fetch(&g_live_threads, 1, __ATOMIC_RELAXED);
  return t;
}

void release(uk_thread* t) {
  free(t->fp);
  free(t->tls);
  free(t);
  __atomic_sub_fetch(&g_live_threads, 1, __ATOMIC_RELAXED);
}

uk_thread* start(uk_thread* t, Cpu* home, void* (*entry)(void*), void* arg) {
  t->home = home;
  t->entry = entry;
  t->arg = arg;
  t->saved_sp = 0;  // never ran: schedule() starts it with uk_switch_to_new
  const uint64_t flags = arch::irq_save();
  make_runnable(t);
  arch::irq_restore(flags);
  return t;
}

}  // namespace

uk_thread* thread_create_idle(Cpu* cpu, size_t stack_size) {
  uk_thread* t = allocate(stack_size, "idle");
  if (!t) return nullptr;
  t->is_idle = true;
  t->home = cpu;
  t->id = 1000 + unsigned(cpu - g_cpus);
  if (stack_size == 0) {  // hart 0 keeps running on the boot stack
    t->stack_base =
        reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(__boot_stack_top) - 16 * 1024);
    t->stack_size = 16 * 1024;
  }
  return t;
}

uk_thread* thread_boot_main(void* (*entry)(void*)) {
  uk_thread* t = allocate(UK_DEFAULT_STACK * 4, "main");
  if (!t) return nullptr;
  t->id = 1;
  return start(t, &g_cpus[0], entry, nullptr);
}

void thread_reap(uk_thread* dead) {
  uk_spin_lock(&dead->join_lock);
  __atomic_store_n(&dead->off_cpu, true, __ATOMIC_RELEASE);
  if (dead->detached) {
    __atomic_store_n(&dead->join_lock.locked, 0u, __ATOMIC_RELEASE);
    release(dead);
    return;
  }
  while (uk_thread* j = waitq_pop(&dead->joiners)) make_runnable(j);
  __atomic_store_n(&dead->join_lock.locked, 0u, __ATOMIC_RELEASE);
}

unsigned live_thread_count() { return __atomic_load_n(&g_live_threads, __ATOMIC_RELAXED); }

}  // namespace uk

using namespace uk;

extern "C" [[noreturn]] void uk_thread_start(uk_thread* self) {
  fpu::switch_in(self);
  finish_switch();
  arch::irq_enable();
  uk_thread_exit(self->entry(self->arg));
}

extern "C" uk_thread* uk_thread_create(void* (*entry)(void*), void* arg,
                                       const struct uk_thread_attr* attr) {
  const unsigned harts = boot_config().hart_count;
  int hart = attr ? attr->hart : UK_HART_ANY;
  if (hart != UK_HART_ANY && (hart < 0 || unsigned(hart) >= harts)) return nullptr;
  if (hart == UK_HART_ANY)
    hart = int(__atomic_fetch_add(&g_next_hart, 1, __ATOMIC_RELAXED) % harts);
  size_t stack = attr && attr->stack_size ? attr->stack_size : UK_DEFAULT_STACK;
  if (stack < kMinStack) stack = kMinStack;
  uk_thread* t = allocate(stack, attr ? attr->name : nullptr);
  if (!t) return nullptr;
  t->id = __atomic_fetch_add(&g_next_id, 1, __ATOMIC_RELAXED);
  return start(t, &g_cpus[hart], entry, arg);
}

namespace uk {
void thread_retire(void* result) {
  uk_thread* self = uk_thread_self();
  arch::irq_disable();
  self->result = result;
  self->state = ThreadState::kDead;
  schedule();
  __builtin_unreachable();
}
}  // namespace uk

extern "C" [[noreturn]] void uk_thread_exit(void* result) {
  uk_thread* self = uk_thread_self();
  console_flush_thread(self);
  if (self->id == 1) exit(0);  // main returning through uk_thread_exit ends the program
  thread_retire(result);
}

extern "C" int uk_thread_join(uk_thread* t, void** result) {
  if (!t || t == uk_thread_self() || t->detached) return -1;
  const uint64_t flags = uk_spin_lock(&t->join_lock);
  while (!__atomic_load_n(&t->off_cpu, __ATOMIC_ACQUIRE)) {
    block_on(&t->joiners, &t->join_lock);
    uk_spin_lock(&t->join_lock);
  }
  uk_spin_unlock(&t->join_lock, flags);
  if (result) *result = t->result;
  release(t);
  return 0;
}

extern "C" void uk_thread_detach(uk_thread* t) {
  const uint64_t flags = uk_spin_lock(&t->join_lock);
  const bool gone = t->off_cpu;
  t->detached = true;
  uk_spin_unlock(&t->join_lock, flags);
  if (gone) release(t);
}

extern "C" uk_thread* uk_thread_self(void) { return this_cpu()->current; }
extern "C" unsigned uk_thread_id(const uk_thread* t) { return t->id; }

extern "C" void uk_sleep_ns(uint64_t ns) {
  const uint64_t hz = boot_config().timebase_hz;
  const uint64_t ticks = ns / 1'000'000'000 * hz + ns % 1'000'000'000 * hz / 1'000'000'000;
  const uint64_t flags = arch::irq_save();
  sleep_until(clint::mtime() + ticks);
  arch::irq_restore(flags);
}
