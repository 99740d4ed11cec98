// pthread subset (include/pthread.h) mapped onto kernel threads and synchronisation.
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "unitag/kernel.h"

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*),
                   void* arg) {
  uk_thread_attr a = {attr ? attr->hart : UK_HART_ANY, attr ? attr->stacksize : 0, "pthread"};
  uk_thread* t = uk_thread_create(start, arg, &a);
  if (!t) return attr && attr->hart != UK_HART_ANY ? EINVAL : EAGAIN;
  if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED) uk_thread_detach(t);
  *thread = t;
  return 0;
}

int pthread_join(pthread_t thread, void** result) {
  if (thread == uk_thread_self()) return EDEADLK;
  return uk_thread_join(thread, result) == 0 ? 0 : EINVAL;
}

int pthread_detach(pthread_t thread) {
  uk_thread_detach(thread);
  return 0;
}

pthread_t pthread_self(void) { return uk_thread_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }
void pthread_exit(void* result) { uk_thread_exit(result); }
int sched_yield(void) {
  uk_yield();
  return 0;
}

int pthread_attr_init(pthread_attr_t* attr) {
  *attr = pthread_attr_t{UK_DEFAULT_STACK, PTHREAD_CREATE_JOINABLE, UK_HART_ANY};
  return 0;
}
int pthread_attr_destroy(pthread_attr_t*) { return 0; }
int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
  if (size < 4096) return EINVAL;
  attr->stacksize = size;
  return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size) {
  *size = attr->stacksize;
  return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t* attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
  attr->detachstate = state;
  return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t* attr) {
  attr->type = PTHREAD_MUTEX_DEFAULT;
  return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t*) { return 0; }
int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type) {
  if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK) return EINVAL;
  attr->type = type;
  return 0;
}
int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  *m = pthread_mutex_t UK_MUTEX_INIT;
  m->recursive = attr && attr->type == PTHREAD_MUTEX_RECURSIVE;
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t* m) { return m->owner ? EBUSY : 0; }
int pthread_mutex_lock(pthread_mutex_t* m) {
  if (m->owner == uk_thread_self() && !m->recursive) return EDEADLK;
  uk_mutex_lock(m);
  return 0;
}
int pthread_mutex_trylock(pthread_mutex_t* m) { return uk_mutex_trylock(m) == 0 ? 0 : EBUSY; }
int pthread_mutex_unlock(pthread_mutex_t* m) { return uk_mutex_unlock(m) == 0 ? 0 : EPERM; }

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t*) {
  *c = pthread_cond_t UK_COND_INIT;
  return 0;
}
int pthread_cond_destroy(pthread_cond_t* c) { return c->waiters.head ? EBUSY : 0; }
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (m->owner != uk_thread_self()) return EPERM;
  uk_cond_wait(c, m);
  return 0;
}
int pthread_cond_signal(pthread_cond_t* c) {
  uk_cond_signal(c);
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t* c) {
  uk_cond_broadcast(c);
  return 0;
}

// 0 -> 1 claims the initialisation; others yield until it reaches 2.
int pthread_once(pthread_once_t* once, void (*init)(void)) {
  int expected = 0;
  if (__atomic_compare_exchange_n(&once->state, &expected, 1, false, __ATOMIC_ACQUIRE,
                                  __ATOMIC_ACQUIRE)) {
    init();
    __atomic_store_n(&once->state, 2, __ATOMIC_RELEASE);
    return 0;
  }
  while (__atomic_load_n(&once->state, __ATOMIC_ACQUIRE) != 2) uk_yield();
  return 0;
}

}  // extern "C"
