/* Blocking synchronisation for unitag threads: mutex, condition variable, counting semaphore,
 * and the irq-safe spinlock they are built from. All are valid when zero-initialised. */
#ifndef UNITAG_SYNC_H
#define UNITAG_SYNC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uk_thread;

typedef struct uk_spinlock {
  volatile uint32_t locked;
} uk_spinlock;

typedef struct uk_waitq {
  struct uk_thread* head;
  struct uk_thread* tail;
} uk_waitq;

typedef struct uk_mutex {
  uk_spinlock lock;
  int recursive;
  unsigned depth;
  int wake_pending; /* a woken waiter has not retried yet: do not wake another */
  struct uk_thread* owner;
  uk_waitq waiters;
} uk_mutex;

typedef struct uk_cond {
  uk_spinlock lock;
  uk_waitq waiters;
} uk_cond;

typedef struct uk_sem {
  uk_spinlock lock;
  long count;
  uk_waitq waiters;
} uk_sem;

#define UK_MUTEX_INIT         \
  {                           \
    {0}, 0, 0, 0, 0, { 0, 0 } \
  }
#define UK_COND_INIT \
  {                  \
    {0}, { 0, 0 }    \
  }
#define UK_SEM_INIT(n) \
  {                    \
    {0}, (n), { 0, 0 } \
  }

/* Spinlocks disable interrupts on the local hart while held; `flags` restores them. */
uint64_t uk_spin_lock(uk_spinlock* l);
void uk_spin_unlock(uk_spinlock* l, uint64_t flags);

void uk_mutex_lock(uk_mutex* m);
int uk_mutex_trylock(uk_mutex* m); /* 0 on success, -1 if held by someone else */
/* Returns -1 (and changes nothing) when the caller does not hold the mutex. */
int uk_mutex_unlock(uk_mutex* m);

void uk_cond_wait(uk_cond* c, uk_mutex* m);
void uk_cond_signal(uk_cond* c);
void uk_cond_broadcast(uk_cond* c);

void uk_sem_init(uk_sem* s, long count);
void uk_sem_wait(uk_sem* s);
int uk_sem_trywait(uk_sem* s); /* 0 on success, -1 when the count is zero */
void uk_sem_post(uk_sem* s);

#ifdef __cplusplus
}
#endif

#endif
