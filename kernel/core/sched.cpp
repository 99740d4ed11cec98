// The per-hart scheduler: FIFO run queue, round-robin time slices driven by the CLINT timer,
// a sleep queue per hart, and IPIs for wake-ups from other harts. Tickless: the timer is armed
// only for the next sleeper's deadline or, when others wait for this hart, the end of the slice.
#include "core/sched.h"

#include "arch/riscv64/clint.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/fpu.h"
#include "core/boot.h"
#include "mk/mk.h"

extern "C" void uk_switch_context(uintptr_t* save_sp, uintptr_t load_sp);
extern "C" void uk_switch_to_new(uintptr_t* save_sp, uk_thread* t, uintptr_t stack_top, void* tls);

namespace uk {

Cpu* g_cpus;

namespace {

// Raw lock/unlock: callers already run with interrupts disabled.
void lock(uk_spinlock* l) {
  while (__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) arch::pause();
}
void unlock(uk_spinlock* l) { __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE); }

void rq_push(Cpu* c, uk_thread* t) {
  t->next = nullptr;
  if (c->rq_tail)
    c->rq_tail->next = t;
  else
    c->rq_head = t;
  c->rq_tail = t;
}

uk_thread* rq_pop(Cpu* c) {
  uk_thread* t = c->rq_head;
  if (t) {
    c->rq_head = t->next;
    if (!c->rq_head) c->rq_tail = nullptr;
    t->next = nullptr;
  }
  return t;
}

// Moves every sleeper whose deadline has passed to the run queue. Lock held.
void wake_sleepers(Cpu* c, uint64_t now) {
  while (c->sleepers && c->sleepers->wake_time <= now) {
    uk_thread* t = c->sleepers;
    c->sleepers = t->sleep_next;
    t->sleep_next = nullptr;
    t->state = ThreadState::kRunnable;
    rq_push(c, t);
  }
}

// Arms this hart's timer for the earliest event it must react to. Lock held.
void rearm_timer(Cpu* c) {
  uint64_t next = clint::kNever;
  if (c->sleepers) next = c->sleepers->wake_time;
  if (c->rq_head && c->current != c->idle) {
    const uint64_t slice_end = c->slice_start + timeslice_ticks();
    if (slice_end < next) next = slice_end;
  }
  clint::set_timer(c->hart, next);
}

}  // namespace

uint64_t timeslice_ticks() { return boot_config().timebase_hz / 1000; }  // 1 ms

void sched_init_cpu(Cpu* c, unsigned hart, uk_thread* idle) {
  c->hart = hart;
  c->idle = idle;
  c->current = idle;
  idle->state = ThreadState::kRunning;
  c->slice_start = clint::mtime();
  UK_CSR_WRITE(mscratch, reinterpret_cast<uintptr_t>(c));
  clint::set_timer(hart, clint::kNever);
}

void schedule() {
  Cpu* c = this_cpu();
  uk_thread* prev = c->current;
  lock(&c->lock);
  if (prev->state == ThreadState::kRunning && !prev->is_idle) {
    prev->state = ThreadState::kRunnable;
    rq_push(c, prev);
  }
  uk_thread* next = rq_pop(c);
  if (!next) next = c->idle;
  next->state = ThreadState::kRunning;
  if (next != prev) {
    c->current = next;
    c->slice_start = clint::mtime();
    ++c->switches;
  }
  rearm_timer(c);
  unlock(&c->lock);
  if (next == prev) return;
  fpu::switch_out(prev);
  c->prev = prev;
  if (next->saved_sp)
    uk_switch_context(&prev->saved_sp, next->saved_sp);
  else  // first run: straight into uk_thread_start on its empty stack (trap_entry.S)
    uk_switch_to_new(&prev->saved_sp, next,
                     reinterpret_cast<uintptr_t>(next->stack_base) + next->stack_size, next->tls);
  // Back on this thread, possibly much later: the predecessor is whoever ran before us.
  fpu::switch_in(this_cpu()->current);
  finish_switch();
}

void finish_switch() {
  Cpu* c = this_cpu();
  uk_thread* prev = c->prev;
  c->prev = nullptr;
  if (prev && prev->state == ThreadState::kDead) thread_reap(prev);
}

void make_runnable(uk_thread* t) {
  Cpu* c = t->home;
  lock(&c->lock);
  t->state = ThreadState::kRunnable;
  rq_push(c, t);
  const bool local = c == this_cpu();
  if (local) rearm_timer(c);
  unlock(&c->lock);
  if (!local) clint::send_ipi(c->hart);
}

void on_timer_interrupt() {
  Cpu* c = this_cpu();
  lock(&c->lock);
  const uint64_t now = clint::mtime();
  wake_sleepers(c, now);
  const bool preempt =
      c->rq_head && (c->current == c->idle || now >= c->slice_start + timeslice_ticks());
  if (!preempt) rearm_timer(c);
  unlock(&c->lock);
  if (preempt) schedule();
}

void on_software_interrupt() {
  Cpu* c = this_cpu();
  clint::clear_ipi(c->hart);
  mk::on_doorbell();  // the interrupt may come from another partition's channel
  lock(&c->lock);
  const bool idle = c->current == c->idle && c->rq_head;
  rearm_timer(c);  // a newly queued thread needs the running one's slice to end
  unlock(&c->lock);
  if (idle) schedule();
}

void sleep_until(uint64_t deadline) {
  Cpu* c = this_cpu();
  uk_thread* self = c->current;
  lock(&c->lock);
  if (clint::mtime() >= deadline) {
    unlock(&c->lock);
    return;
  }
  self->wake_time = deadline;
  self->state = ThreadState::kSleeping;
  uk_thread** link = &c->sleepers;
  while (*link && (*link)->wake_time <= deadline) link = &(*link)->sleep_next;
  self->sleep_next = *link;
  *link = self;
  unlock(&c->lock);
  schedule();
}

void waitq_push(uk_waitq* wq, uk_thread* t) {
  t->next = nullptr;
  if (wq->tail)
    wq->tail->next = t;
  else
    wq->head = t;
  wq->tail = t;
}

uk_thread* waitq_pop(uk_waitq* wq) {
  uk_thread* t = wq->head;
  if (t) {
    wq->head = t->next;
    if (!wq->head) wq->tail = nullptr;
    t->next = nullptr;
  }
  return t;
}

void block_on(uk_waitq* wq, uk_spinlock* l) {
  uk_thread* self = this_cpu()->current;
  self->state = ThreadState::kBlocked;
  waitq_push(wq, self);
  unlock(l);
  schedule();
}

}  // namespace uk

extern "C" void uk_yield(void) {
  const uint64_t flags = uk::arch::irq_save();
  uk::schedule();
  uk::arch::irq_restore(flags);
}
