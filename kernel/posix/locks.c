/* picolibc's retargetable locks (sys/lock.h) as kernel mutexes, so stdio, atexit and the like are
   thread-safe. C, because picolibc's header declares them without extern "C". Before the
   scheduler runs there is one hart and no thread: locking is skipped. */
#include <stdlib.h>
#include <sys/lock.h>

#include "unitag/sync.h"

struct __lock {
  uk_mutex mutex;
};

struct __lock __lock___libc_recursive_mutex = {{{0}, 1, 0, 0, 0, {0, 0}}};

int uk_scheduler_running(void);

static _LOCK_T new_lock(int recursive) {
  struct __lock* l = calloc(1, sizeof(struct __lock));
  if (l) l->mutex.recursive = recursive;
  return l;
}

void __retarget_lock_init(_LOCK_T* lock) { *lock = new_lock(0); }
void __retarget_lock_init_recursive(_LOCK_T* lock) { *lock = new_lock(1); }
void __retarget_lock_close(_LOCK_T lock) { free(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { free(lock); }
void __retarget_lock_acquire(_LOCK_T lock) {
  if (lock && uk_scheduler_running()) uk_mutex_lock(&lock->mutex);
}
void __retarget_lock_acquire_recursive(_LOCK_T lock) { __retarget_lock_acquire(lock); }
int __retarget_lock_try_acquire(_LOCK_T lock) {
  return lock && uk_scheduler_running() ? uk_mutex_trylock(&lock->mutex) == 0 : 1;
}
int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { return __retarget_lock_try_acquire(lock); }
void __retarget_lock_release(_LOCK_T lock) {
  if (lock && uk_scheduler_running()) uk_mutex_unlock(&lock->mutex);
}
void __retarget_lock_release_recursive(_LOCK_T lock) { __retarget_lock_release(lock); }
