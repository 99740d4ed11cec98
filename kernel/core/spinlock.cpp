// Test-and-test-and-set spinlock that masks interrupts on the local hart while held, so an
// interrupt handler never spins on a lock its own hart holds.
#include "arch/riscv64/csr.h"
#include "unitag/sync.h"

extern "C" uint64_t uk_spin_lock(uk_spinlock* l) {
  const uint64_t flags = uk::arch::irq_save();
  for (;;) {
    if (__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE) == 0) return flags;
    while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) uk::arch::pause();
  }
}

extern "C" void uk_spin_unlock(uk_spinlock* l, uint64_t flags) {
  __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE);
  uk::arch::irq_restore(flags);
}
