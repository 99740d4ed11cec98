/* Multi-hart atomics: 4 harts each add to shared counters ITERS times with amoadd.w/.d, an
   LR/SC increment loop, a plain counter under an LR/SC spinlock, a plain counter under an
   amoswap spinlock, and amoor/amomax; hart 0 prints the exact totals. Needs exactly 4 harts
   (unitag --harts 4, QEMU -smp 4); runs in parallel and deterministic modes. */
#include "isa_support.h"

#define NHARTS 4
#define ITERS 2000

static volatile uint64_t go SHARED, done SHARED;
static volatile uint32_t amo_w_counter SHARED;
static volatile uint64_t amo_d_counter SHARED, lrsc_counter SHARED, lrsc_lock SHARED,
    lrsc_locked_counter SHARED, swap_lock SHARED, swap_locked_counter SHARED, hart_mask SHARED,
    max_seen SHARED, min_seen SHARED;
static volatile uint32_t lrsc_w_counter SHARED;

static void lrsc_acquire(volatile uint64_t* lock) {
  uint64_t tmp, fail;
  __asm__ volatile(
      "1: lr.d.aq %0, (%2)\n"
      "   bnez %0, 1b\n"
      "   li %0, 1\n"
      "   sc.d %1, %0, (%2)\n"
      "   bnez %1, 1b\n"
      : "=&r"(tmp), "=&r"(fail)
      : "r"(lock)
      : "memory");
}
static void lrsc_release(volatile uint64_t* lock) {
  __asm__ volatile("fence rw, w\n sd zero, 0(%0)" ::"r"(lock) : "memory");
}
static void swap_acquire(volatile uint64_t* lock) {
  uint64_t old;
  do {
    __asm__ volatile("amoswap.d.aq %0, %2, (%1)" : "=r"(old) : "r"(lock), "r"(1ull) : "memory");
  } while (old != 0);
}
static void swap_release(volatile uint64_t* lock) {
  __asm__ volatile("amoswap.d.rl zero, zero, (%0)" ::"r"(lock) : "memory");
}

static void work(uint64_t hart) {
  for (uint64_t i = 0; i < ITERS; ++i) {
    __asm__ volatile("amoadd.w zero, %1, (%0)" ::"r"(&amo_w_counter), "r"(1) : "memory");
    __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(&amo_d_counter), "r"(2) : "memory");
    uint64_t tmp, fail;
    __asm__ volatile(
        "1: lr.d %0, (%2)\n"
        "   addi %0, %0, 1\n"
        "   sc.d %1, %0, (%2)\n"
        "   bnez %1, 1b\n"
        : "=&r"(tmp), "=&r"(fail)
        : "r"(&lrsc_counter)
        : "memory");
    __asm__ volatile(
        "1: lr.w %0, (%2)\n"
        "   addiw %0, %0, 3\n"
        "   sc.w %1, %0, (%2)\n"
        "   bnez %1, 1b\n"
        : "=&r"(tmp), "=&r"(fail)
        : "r"(&lrsc_w_counter)
        : "memory");
    lrsc_acquire(&lrsc_lock);
    lrsc_locked_counter = lrsc_locked_counter + 1;
    lrsc_release(&lrsc_lock);
    swap_acquire(&swap_lock);
    swap_locked_counter = swap_locked_counter + 1;
    swap_release(&swap_lock);
    const uint64_t v = hart * 10000 + i;
    __asm__ volatile("amomax.d zero, %1, (%0)" ::"r"(&max_seen), "r"(v) : "memory");
    __asm__ volatile("amominu.d zero, %1, (%0)" ::"r"(&min_seen), "r"(v + 7) : "memory");
  }
  __asm__ volatile("amoor.d zero, %1, (%0)" ::"r"(&hart_mask), "r"(1ull << hart) : "memory");
  __asm__ volatile("amoadd.d zero, %1, (%0)" ::"r"(&done), "r"(1) : "memory");
}

void secondary_main(uint64_t hartid) {
  if (hartid < NHARTS) {
    while (!go) {
    }
    work(hartid);
  }
  for (;;) __asm__ volatile("wfi");
}


int main(void) {
  min_seen = ~0ull;
  __asm__ volatile("fence rw, rw" ::: "memory");
  go = 1;
  work(0);
  while (done != NHARTS) {
  }
  __asm__ volatile("fence rw, rw" ::: "memory");
  bare_puts("4 harts x 2000 iterations\n");
  check_dec("amoadd.w counter", amo_w_counter, NHARTS * ITERS);
  check_dec("amoadd.d counter (+2)", amo_d_counter, 2 * NHARTS * ITERS);
  check_dec("lr.d/sc.d counter", lrsc_counter, NHARTS * ITERS);
  check_dec("lr.w/sc.w counter (+3)", lrsc_w_counter, 3 * NHARTS * ITERS);
  check_dec("counter under lr/sc lock", lrsc_locked_counter, NHARTS * ITERS);
  check_dec("counter under amoswap lock", swap_locked_counter, NHARTS * ITERS);
  check_dec("amoor hart mask", hart_mask, (1u << NHARTS) - 1);
  check_dec("amomax", max_seen, (NHARTS - 1) * 10000 + ITERS - 1);
  check_dec("amominu", min_seen, 7);
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
