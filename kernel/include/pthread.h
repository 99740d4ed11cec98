/* A small POSIX threads subset on unitag kernel threads: create/join/detach/self/exit, mutexes
 * (normal and recursive), condition variables and pthread_once, so ordinary parallel C code
 * builds. Not provided: cancellation, thread-specific keys, timed waits, rwlocks. */
#ifndef UNITAG_PTHREAD_H
#define UNITAG_PTHREAD_H

#include <stddef.h>
#include <unitag/sync.h>
#include <unitag/thread.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uk_thread* pthread_t;
typedef struct {
  size_t stacksize;
  int detachstate;
  int hart; /* unitag extension: UK_HART_ANY or a hart number */
} pthread_attr_t;
typedef uk_mutex pthread_mutex_t;
typedef struct {
  int type;
} pthread_mutexattr_t;
typedef uk_cond pthread_cond_t;
typedef struct {
  int unused;
} pthread_condattr_t;
typedef struct {
  volatile int state; /* 0 not run, 1 running, 2 done */
} pthread_once_t;

#define PTHREAD_MUTEX_INITIALIZER UK_MUTEX_INIT
#define PTHREAD_COND_INITIALIZER UK_COND_INIT
#define PTHREAD_ONCE_INIT \
  { 0 }
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg);
int pthread_join(pthread_t thread, void** result);
int pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
__attribute__((noreturn)) void pthread_exit(void* result);

int pthread_attr_init(pthread_attr_t* attr);
int pthread_attr_destroy(pthread_attr_t* attr);
int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size);
int pthread_attr_setdetachstate(pthread_attr_t* attr, int state);

int pthread_mutexattr_init(pthread_mutexattr_t* attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t* attr);
int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type);
int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr);
int pthread_mutex_destroy(pthread_mutex_t* m);
int pthread_mutex_lock(pthread_mutex_t* m);
int pthread_mutex_trylock(pthread_mutex_t* m);
int pthread_mutex_unlock(pthread_mutex_t* m);

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr);
int pthread_cond_destroy(pthread_cond_t* c);
int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m);
int pthread_cond_signal(pthread_cond_t* c);
int pthread_cond_broadcast(pthread_cond_t* c);

int pthread_once(pthread_once_t* once, void (*init)(void));

#ifdef __cplusplus
}
#endif

#endif
