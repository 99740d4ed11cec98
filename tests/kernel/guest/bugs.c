/* Real bugs in library-OS programs, for the tag policies to catch (tests/kernel: kernel.bug.*).
 * `kernel_bugs.elf heap-overflow`: a thread writes one byte past a name buffer the kernel's
 * allocator handed out (heap: heap-buffer-overflow in copy_name).
 * `kernel_bugs.elf saved-ra`: a thread overwrites the saved return address of another thread
 * that is blocked in the kernel, so the context switch that resumes it "returns" into code of the
 * attacker's choice (stack: return-address-overwrite at the switch's ret; cfi: a return to a
 * function entry). Untagged, both bugs go unnoticed: the runs print what happened. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unitag/sync.h>
#include <unitag/thread.h>

static const struct uk_thread_attr kOnHart0 = {0, 0, "bug"};

__attribute__((noinline)) static void copy_name(char* dst, const char* src, size_t len) {
  for (size_t i = 0; i <= len; ++i) dst[i] = src[i]; /* BUG: len + 1 bytes into len */
}

static void* name_worker(void* arg) {
  const char* name = arg;
  const size_t len = strlen(name);
  char* copy = malloc(len); /* forgot the terminator */
  copy_name(copy, name, len);
  printf("heap-overflow: copied \"%s\" into %u bytes\n", copy, (unsigned)len);
  free(copy);
  return NULL;
}

static int heap_overflow(void) {
  uk_thread* t = uk_thread_create(name_worker, "unitag-kernel", &kOnHart0);
  uk_thread_join(t, NULL);
  return 0;
}

static uk_sem wake = UK_SEM_INIT(0);

__attribute__((noinline)) static void hijacked(void) {
  printf("saved-ra: the blocked thread resumed in hijacked()\n");
  exit(66);
}

static void* victim(void* arg) {
  (void)arg;
  uk_sem_wait(&wake); /* blocks: its context, return address included, waits on its stack */
  printf("saved-ra: the blocked thread resumed normally\n");
  return NULL;
}

static int saved_ra(void) {
  uk_thread* t = uk_thread_create(victim, NULL, &kOnHart0);
  uk_yield(); /* the victim runs and blocks */
  /* The kernel keeps a suspended thread's sp in the first word of its uk_thread (core/sched.h);
     the switch saved the return address at that sp. */
  uintptr_t* context = (uintptr_t*)*(volatile uintptr_t*)t;
  context[0] = (uintptr_t)hijacked; /* BUG: a forged return address */
  uk_sem_post(&wake);
  uk_thread_join(t, NULL);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "heap-overflow") == 0) return heap_overflow();
  if (argc == 2 && strcmp(argv[1], "saved-ra") == 0) return saved_ra();
  printf("usage: kernel_bugs heap-overflow|saved-ra\n");
  return 2;
}
