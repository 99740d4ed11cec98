// Mutex, condition variable and semaphore on top of the scheduler's wait queues.
#include "unitag/sync.h"

#include "arch/riscv64/csr.h"
#include "core/sched.h"

using namespace uk;

namespace {

// Releases the lock word but leaves interrupts off (make_runnable needs them off). Wake-ups
// happen after this, never under the lock: a woken thread may run on another hart at once and
// end the object the lock lives in (a semaphore in its stack frame, say), so even the unlocking
// store would land in memory that is no longer the object's.
void release_lock_word(uk_spinlock* l) { __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE); }

// Wakes a chain of threads popped from a wait queue (linked through `next`, which
// make_runnable reuses: read it first).
void wake_chain(uk_thread* t) {
  while (t) {
    uk_thread* following = t->next;
    make_runnable(t);
    t = following;
  }
}

}  // namespace

extern "C" void uk_mutex_lock(uk_mutex* m) {
  uk_thread* self = uk_thread_self();
  const uint64_t flags = uk_spin_lock(&m->lock);
  if (m->owner == self && m->recursive) {
    ++m->depth;
    uk_spin_unlock(&m->lock, flags);
    return;
  }
  bool woken = false;
  while (m->owner) {
    if (woken) m->wake_pending = 0;
    block_on(&m->waiters, &m->lock);
    uk_spin_lock(&m->lock);
    woken = true;
  }
  if (woken) m->wake_pending = 0;
  m->owner = self;
  m->depth = 1;
  uk_spin_unlock(&m->lock, flags);
}

extern "C" int uk_mutex_trylock(uk_mutex* m) {
  uk_thread* self = uk_thread_self();
  const uint64_t flags = uk_spin_lock(&m->lock);
  int result = 0;
  if (!m->owner) {
    m->owner = self;
    m->depth = 1;
  } else if (m->owner == self && m->recursive) {
    ++m->depth;
  } else {
    result = -1;
  }
  uk_spin_unlock(&m->lock, flags);
  return result;
}

// The mutex is released, not handed over: the woken waiter competes again. Handing it over would
// make every contended unlock wait for an IPI round trip to the waiter's hart; with one wake in
// flight at a time, the running threads keep the lock moving.
extern "C" int uk_mutex_unlock(uk_mutex* m) {
  const uint64_t flags = uk_spin_lock(&m->lock);
  if (m->owner != uk_thread_self()) {
    uk_spin_unlock(&m->lock, flags);
    return -1;
  }
  if (--m->depth == 0) {
    m->owner = nullptr;
    if (!m->wake_pending) {
      if (uk_thread* next = waitq_pop(&m->waiters)) {
        m->wake_pending = 1;
        make_runnable(next);
      }
    }
  }
  uk_spin_unlock(&m->lock, flags);
  return 0;
}

extern "C" void uk_cond_wait(uk_cond* c, uk_mutex* m) {
  const uint64_t flags = uk_spin_lock(&c->lock);
  // Queue first, then release the mutex: a signal sent after the release finds us queued.
  uk_thread* self = uk_thread_self();
  self->state = ThreadState::kBlocked;
  waitq_push(&c->waiters, self);
  release_lock_word(&c->lock);
  const unsigned depth = m->depth;
  m->depth = 1;
  uk_mutex_unlock(m);
  schedule();
  arch::irq_restore(flags);
  uk_mutex_lock(m);
  m->depth = depth;
}

extern "C" void uk_cond_signal(uk_cond* c) {
  const uint64_t flags = uk_spin_lock(&c->lock);
  uk_thread* t = waitq_pop(&c->waiters);
  release_lock_word(&c->lock);
  if (t) make_runnable(t);
  arch::irq_restore(flags);
}

extern "C" void uk_cond_broadcast(uk_cond* c) {
  const uint64_t flags = uk_spin_lock(&c->lock);
  uk_thread* all = c->waiters.head;  // the queue is a chain through `next` already
  c->waiters = uk_waitq{};
  release_lock_word(&c->lock);
  wake_chain(all);
  arch::irq_restore(flags);
}

extern "C" void uk_sem_init(uk_sem* s, long count) {
  *s = uk_sem{};
  s->count = count;
}

extern "C" void uk_sem_wait(uk_sem* s) {
  const uint64_t flags = uk_spin_lock(&s->lock);
  if (s->count > 0) {
    --s->count;
    uk_spin_unlock(&s->lock, flags);
    return;
  }
  block_on(&s->waiters, &s->lock);  // post hands its unit straight to us
  arch::irq_restore(flags);
}

extern "C" int uk_sem_trywait(uk_sem* s) {
  const uint64_t flags = uk_spin_lock(&s->lock);
  const int result = s->count > 0 ? (--s->count, 0) : -1;
  uk_spin_unlock(&s->lock, flags);
  return result;
}

extern "C" void uk_sem_post(uk_sem* s) {
  const uint64_t flags = uk_spin_lock(&s->lock);
  uk_thread* t = waitq_pop(&s->waiters);
  if (!t) ++s->count;  // else post hands its unit straight to t
  release_lock_word(&s->lock);
  if (t) make_runnable(t);
  arch::irq_restore(flags);
}
