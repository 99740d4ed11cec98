// Threads and per-hart scheduling state (kernel-internal). Each hart owns a Cpu: the running
// thread, its idle thread, a FIFO run queue and a deadline-ordered sleep queue, all guarded by the
// Cpu's spinlock. A thread never leaves its home hart, so only that hart ever switches to it;
// other harts wake it by queueing it there and sending an IPI.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unitag/sync.h"
#include "unitag/thread.h"

namespace uk {

enum class ThreadState : uint8_t { kRunnable, kRunning, kBlocked, kSleeping, kDead };

struct Cpu;
struct FpState;

}  // namespace uk

struct uk_thread {
  uintptr_t saved_sp;  // switch_context's save area while not running; 0 until it first runs
  uk::ThreadState state;
  bool is_idle;
  bool detached;
  volatile bool off_cpu;  // dead and switched away from: its stack may be freed
  bool fp_used;
  uk::Cpu* home;
  uk_thread* next;        // run queue or wait queue link
  uk_thread* sleep_next;  // sleep queue link
  uint64_t wake_time;     // mtime deadline while sleeping
  void* (*entry)(void*);
  void* arg;
  void* result;
  uint8_t* stack_base;  // allocation holding the stack and the TLS block
  uint8_t* tls;         // this thread's copy of .tdata/.tbss (tp while it runs)
  size_t stack_size;
  uk_spinlock join_lock;
  uk_waitq joiners;
  uk::FpState* fp;
  unsigned id;
  char name[16];
  // Console output is line-buffered per thread so concurrent printf lines do not interleave.
  uint16_t line_len;
  char line[126];
};

namespace uk {

struct Cpu {
  unsigned hart;
  uk_spinlock lock;  // run queue, sleep queue, current
  uk_thread* current;
  uk_thread* idle;
  uk_thread* rq_head;
  uk_thread* rq_tail;
  uk_thread* sleepers;   // ascending wake_time
  uk_thread* prev;       // the thread switched away from, for finish_switch
  uint64_t slice_start;  // mtime when current got the hart
  uint64_t switches;
};

extern Cpu* g_cpus;  // [hart_count]

inline Cpu* this_cpu() {
  uint64_t v;
  __asm__ volatile("csrr %0, mscratch" : "=r"(v));
  return reinterpret_cast<Cpu*>(v);
}

// Scheduler core (core/sched.cpp). All of these expect interrupts disabled on the local hart.
void sched_init_cpu(Cpu* cpu, unsigned hart, uk_thread* idle);
void schedule();                   // run the next runnable thread (or keep the current one)
void make_runnable(uk_thread* t);  // queue t on its home hart, IPI that hart if remote
void on_timer_interrupt();
void on_software_interrupt();
void sleep_until(uint64_t deadline);  // block the current thread until mtime >= deadline
// Whether another thread waits for this hart: a thread about to wait should not spin then.
inline bool others_runnable() {
  return __atomic_load_n(&this_cpu()->rq_head, __ATOMIC_RELAXED) != nullptr;
}
// Puts the current thread on wq (whose spinlock `lock` is held), releases the lock keeping
// interrupts disabled, and switches away until woken.
void block_on(uk_waitq* wq, uk_spinlock* lock);
uk_thread* waitq_pop(uk_waitq* wq);
void waitq_push(uk_waitq* wq, uk_thread* t);
// Called by a thread right after it got the hart: reaps a dead predecessor.
void finish_switch();
uint64_t timeslice_ticks();

// Thread lifecycle (core/thread.cpp).
uk_thread* thread_create_idle(Cpu* cpu, size_t stack_size);
uk_thread* thread_boot_main(void* (*entry)(void*));
void thread_reap(uk_thread* dead);
unsigned live_thread_count();
// Ends the calling thread with `result` (for its joiner), never the run: uk_thread_exit, and a
// secondary partition's main that returned.
[[noreturn]] void thread_retire(void* result);

}  // namespace uk
