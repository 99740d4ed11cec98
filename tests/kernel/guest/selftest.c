/* Dispatcher of the kernel self-test image: `kernel_selftest.elf SCENARIO [args...]`. Also the
 * argv scenario itself. */
#include <stdio.h>
#include <string.h>

#include "selftest.h"

static int test_argv(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  return argv[argc] == NULL ? 0 : 1;
}

int main(int argc, char** argv) {
  static const struct {
    const char* name;
    int (*run)(void);
  } scenarios[] = {
      {"preempt", test_preempt}, {"mutex", test_mutex},     {"sync", test_sync},
      {"sleep", test_sleep},     {"files", test_files},     {"exit", test_exit_code},
      {"exit-thread", test_exit_from_thread},                {"fault", test_fault},
      {"panic", test_panic},     {"abort", test_abort},     {"cxx", test_cxx},
      {"malloc", test_malloc},   {"fp", test_fp},
  };
  if (argc >= 2 && strcmp(argv[1], "argv") == 0) return test_argv(argc, argv);
  for (size_t i = 0; argc >= 2 && i < sizeof scenarios / sizeof scenarios[0]; ++i)
    if (strcmp(argv[1], scenarios[i].name) == 0) return scenarios[i].run();
  printf("usage: kernel_selftest SCENARIO (argv, preempt, mutex, sync, sleep, files, exit, "
         "exit-thread, fault, panic, abort, cxx, malloc, fp)\n");
  return 2;
}
