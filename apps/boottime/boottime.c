/* Boot, thread and memory figures for docs/libos.md: instructions hart 0 retired from reset to
 * main(), to start a thread and to switch between two threads, and the cycles they took (on
 * unitag, mcycle = instructions + modeled tag costs: rule-cache misses and tag instructions'
 * colouring, so tagged and untagged runs compare), the image and heap footprint. (Numbers depend
 * on the machine, so no test compares them with QEMU's.) */
#include <stdint.h>
#include <stdio.h>
#include <unitag/kernel.h>
#include <unitag/thread.h>

#define SWITCH_ROUNDS 1000

static inline uint64_t instret(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, minstret" : "=r"(v));
  return v;
}

static inline uint64_t cycles(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, mcycle" : "=r"(v));
  return v;
}

static volatile uint64_t started_at, started_cycle;

static void* note_start(void* arg) {
  (void)arg;
  started_at = instret();
  started_cycle = cycles();
  return NULL;
}

static void* yield_back(void* arg) {
  (void)arg;
  for (int i = 0; i < SWITCH_ROUNDS; ++i) uk_yield();
  return NULL;
}

int main(void) {
  const uint64_t boot_cycles = cycles();
  struct uk_memory_stats m;
  uk_memory_stats(&m);
  const uint64_t boot = uk_boot_instret();

  /* Both threads on hart 0 (minstret is per hart): create, then yield so it runs. */
  const struct uk_thread_attr on_hart0 = {0, 0, "bench"};
  const uint64_t before_create = instret(), before_create_cycle = cycles();
  uk_thread* t = uk_thread_create(note_start, NULL, &on_hart0);
  uk_yield();
  const uint64_t start_cost = started_at - before_create;
  const uint64_t start_cycles = started_cycle - before_create_cycle;
  uk_thread_join(t, NULL);

  t = uk_thread_create(yield_back, NULL, &on_hart0);
  uk_yield(); /* let it reach its loop */
  const uint64_t before_switches = instret(), before_switch_cycle = cycles();
  for (int i = 0; i < SWITCH_ROUNDS; ++i) uk_yield();
  const uint64_t switch_cycles = (cycles() - before_switch_cycle) / (2 * SWITCH_ROUNDS);
  const uint64_t switch_cost = (instret() - before_switches) / (2 * SWITCH_ROUNDS);
  uk_thread_join(t, NULL);

  printf("boot: %llu instructions on hart 0 from reset to main\n", (unsigned long long)boot);
  printf("thread start: %llu instructions from uk_thread_create to the thread's function\n",
         (unsigned long long)start_cost);
  printf("switch: %llu instructions per thread switch (uk_yield between two threads)\n",
         (unsigned long long)switch_cost);
  printf("cycles: boot %llu, thread start %llu, switch %llu\n", (unsigned long long)boot_cycles,
         (unsigned long long)start_cycles, (unsigned long long)switch_cycles);
  printf("image: %llu bytes of RAM (code, data, bss, boot stack)\n",
         (unsigned long long)m.image_bytes);
  printf("heap: %llu bytes in use at main (peak %llu) of %llu\n", (unsigned long long)m.heap_in_use,
         (unsigned long long)m.heap_peak, (unsigned long long)m.heap_bytes);
  printf("threads: %llu (idle threads included)\n", (unsigned long long)m.thread_count);
  return 0;
}
