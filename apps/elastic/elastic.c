/* Elastic partitions: a service whose load rises and falls. Partition 0 takes work in phases
 * (light, heavy, light, heavy, light); when a phase's queue is long it starts another partition on idle harts
 * (a new library-OS instance of this image), spreads the work over both, and stops it again when
 * the load falls, returning its harts. Needs `unitag run --elastic 1` and idle harts, e.g.
 *   unitag run --harts 3 --partition 0 --elastic 1 elastic.elf
 *   elastic [light heavy rounds]   (default 4 32 200000 tasks per phase, digest rounds) */
#include <stdio.h>
#include <stdlib.h>
#include <unitag/channel.h>
#include <unitag/kernel.h>

#define GROW_AT 16 /* queue length that calls for more harts */

static long work(long seed) {
  uint64_t x = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;
  const long rounds = seed >> 32;
  for (long r = 0; r < rounds; ++r) {
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
  }
  return (long)(x & 0xffff);
}

int main(int argc, char** argv) {
  if (uk_partition_self() != 0) return 0; /* started partitions serve tasks */
  const unsigned light = argc > 1 ? (unsigned)atoi(argv[1]) : 4;
  const unsigned heavy = argc > 2 ? (unsigned)atoi(argv[2]) : 32;
  const long rounds = argc > 3 ? atol(argv[3]) : 200000;
  const unsigned phases[] = {light, heavy, light, heavy, light};
  const unsigned phase_count = sizeof phases / sizeof phases[0];
  int extra = -1;
  long checksum = 0;
  for (unsigned ph = 0; ph < phase_count; ++ph) {
    const unsigned queue = phases[ph];
    if (queue >= GROW_AT && extra < 0) {
      const uint64_t idle = uk_idle_harts();
      extra = idle ? uk_partition_start(idle) : -1;
      if (extra >= 0)
        printf("phase %u: queue %u >= %u: started partition %d on %d idle hart(s)\n", ph, queue,
               GROW_AT, extra, __builtin_popcountll(idle));
      else
        printf("phase %u: queue %u, but no partition could start (%d)\n", ph, queue, extra);
    }
    const uint64_t t0 = uk_time_ns();
    long ids[256];
    unsigned on_extra = 0;
    for (unsigned i = 0; i < queue && i < 256; ++i) {
      const int where = extra >= 0 && (i % 2) ? extra : 0;
      on_extra += where != 0;
      ids[i] = uk_task_start(where, work, (long)((uint64_t)rounds << 32 | (ph * 1000 + i)));
    }
    for (unsigned i = 0; i < queue && i < 256; ++i) {
      long r = 0;
      uk_task_join(ids[i], &r);
      checksum += r;
    }
    printf("phase %u: %u tasks, %u on partition 0, %u on partition %d, %llu ms\n", ph, queue,
           queue - on_extra, on_extra, extra, (unsigned long long)((uk_time_ns() - t0) / 1000000));
    if (queue < GROW_AT && extra >= 0) {
      const int stopped = uk_partition_stop(extra);
      printf("phase %u: queue %u < %u: stopped partition %d (%d), idle harts now 0x%llx\n", ph,
             queue, GROW_AT, extra, stopped, (unsigned long long)uk_idle_harts());
      extra = -1;
    }
  }
  printf("elastic: checksum %ld, idle harts at the end 0x%llx\n", checksum,
         (unsigned long long)uk_idle_harts());
  return 0;
}
