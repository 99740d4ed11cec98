/* Exit paths: a status from main, exit() from another thread, a fault that panics with a
 * backtrace, uk_panic and abort(). */
#include <stdio.h>
#include <stdlib.h>
#include <unitag/kernel.h>
#include <unitag/thread.h>

int test_exit_code(void) {
  printf("exit: returning 42 from main\n");
  return 42;
}

static void* exit_from_worker(void* arg) {
  (void)arg;
  printf("exit: calling exit(7) from thread %u\n", uk_thread_id(uk_thread_self()));
  exit(7);
}

int test_exit_from_thread(void) {
  uk_thread* t = uk_thread_create(exit_from_worker, NULL, NULL);
  uk_thread_join(t, NULL);
  printf("exit: not reached\n");
  return 1;
}

/* noinline: the backtrace must show these frames. */
__attribute__((noinline)) static int read_through(volatile int* p) { return *p + 1; }
__attribute__((noinline)) int crash_with_null_pointer(void) { return read_through((volatile int*)8); }

int test_fault(void) {
  printf("fault: reading address 0x8\n");
  return crash_with_null_pointer();
}

int test_panic(void) {
  uk_panic("the self-test asked for a panic (%d)", 123);
}

int test_abort(void) {
  abort();
}
