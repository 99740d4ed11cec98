/* Scenarios of the kernel self-test image; each returns the exit status. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#ifdef __cplusplus
extern "C" {
#endif

int test_preempt(void);
int test_mutex(void);
int test_sync(void);
int test_sleep(void);
int test_files(void);
int test_exit_code(void);
int test_exit_from_thread(void);
int test_fault(void);
int test_panic(void);
int test_abort(void);
int test_cxx(void);
int test_malloc(void);
int test_fp(void);

#ifdef __cplusplus
}
#endif

#endif
