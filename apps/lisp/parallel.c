/* lisp -p: the same program on every partition of a multikernel, each partition a separate
 * unikernel with its own interpreter, heap and collector. The program takes units of work from a
 * queue shared by all partitions ((next-unit): an atomic counter in channel memory; `worker` and
 * `workers` are bound too) and ends with an integer; the partitions share only the program text,
 * the counter and their results, and partition 0 adds the results up. A strong-scaling run: the
 * total work and the result do not depend on the number of partitions, only who did which unit. */
#include <stdio.h>
#include <string.h>
#include <unitag/channel.h>
#include <unitag/thread.h>

#include "lisp.h"

/* One worker's part, in channel memory: what it runs and what it reports. */
struct share {
  const char* src;
  int64_t* next_unit;
  int64_t scale;
  int worker, workers;
  int64_t result;
  uint64_t fast_ops, type_misses, collections;
};

static void* run_share(void* arg) {
  struct share* s = arg;
  runtime_init();
  unit_counter = s->next_unit;
  bind_global("scale", s->scale);
  bind_global("worker", s->worker);
  bind_global("workers", s->workers);
  const val last = run_program(s->src);
  if (type_of(last) != T_INT) fail("lisp -p: the program's last form must give an integer");
  s->result = intv(last);
  s->fast_ops = stat_fast_ops;
  s->type_misses = stat_type_misses;
  s->collections = gc_collections;
  return 0;
}

/* A partition's service threads have small stacks; the evaluator recurses as deeply as in a
 * sequential run, so it gets a thread with the main thread's stack. */
static long share_task(long arg) {
  const struct uk_thread_attr attr = {UK_HART_ANY, 4 * UK_DEFAULT_STACK, "lisp-worker"};
  uk_thread* t = uk_thread_create(run_share, (void*)arg, &attr);
  if (!t) return -1;
  return uk_thread_join(t, 0) == 0 ? 0 : -1;
}

int run_parallel(const char* src, int64_t scale, int stats) {
  const int workers = uk_partition_count();
  const size_t len = strlen(src) + 1;
  char* text = uk_shared_alloc(len);
  struct share* shares = uk_shared_alloc((size_t)workers * sizeof *shares);
  int64_t* next_unit = uk_shared_alloc(sizeof *next_unit);
  long ids[64];
  if (!text || !shares || !next_unit || workers > 64) {
    printf("lisp -p: the program does not fit in channel memory (use --channel-mem)\n");
    return 1;
  }
  memcpy(text, src, len);
  *next_unit = 0;
  for (int w = 0; w < workers; ++w) {
    shares[w] = (struct share){text, next_unit, scale, w, workers, 0, 0, 0, 0};
    ids[w] = uk_task_start(w, share_task, (long)&shares[w]);
  }
  int64_t total = 0;
  uint64_t fast_ops = 0, misses = 0, collections = 0;
  for (int w = 0; w < workers; ++w) {
    long status = -1;
    if (ids[w] < 0 || uk_task_join(ids[w], &status) != 0 || status != 0) {
      printf("lisp -p: worker %d failed\n", w);
      return 1;
    }
    total += shares[w].result;
    fast_ops += shares[w].fast_ops;
    misses += shares[w].type_misses;
    collections += shares[w].collections;
  }
  printf("result %lld from %d worker%s:", (long long)total, workers, workers == 1 ? "" : "s");
  for (int w = 0; w < workers; ++w) printf(" %lld", (long long)shares[w].result);
  printf("\n");
  if (stats) print_stats(fast_ops, misses, collections);
  return 0;
}
