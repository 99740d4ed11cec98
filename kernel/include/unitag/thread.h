/* Kernel threads of the unitag library OS: preemptive, one run queue per hart, a thread stays on
 * the hart it was created for. pthread.h is a thin layer over this API. */
#ifndef UNITAG_THREAD_H
#define UNITAG_THREAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct uk_thread uk_thread;

#define UK_HART_ANY (-1) /* let the kernel spread threads over the harts */
#define UK_DEFAULT_STACK (64 * 1024)

struct uk_thread_attr {
  int hart;          /* UK_HART_ANY or a hart number below uk_hart_count() */
  size_t stack_size; /* 0: UK_DEFAULT_STACK */
  const char* name;  /* shown by panics; copied, at most 15 characters */
};

/* Returns NULL when memory runs out or attr->hart does not exist. */
uk_thread* uk_thread_create(void* (*entry)(void*), void* arg, const struct uk_thread_attr* attr);
/* Waits for the thread to end, stores its result, frees it. Returns 0, or -1 for a thread that
 * is detached or the caller itself. */
int uk_thread_join(uk_thread* t, void** result);
void uk_thread_detach(uk_thread* t);
__attribute__((noreturn)) void uk_thread_exit(void* result);
uk_thread* uk_thread_self(void);
unsigned uk_thread_id(const uk_thread* t); /* 1 = main, idle threads count from 1000 */
void uk_yield(void);
void uk_sleep_ns(uint64_t ns);

#ifdef __cplusplus
}
#endif

#endif
