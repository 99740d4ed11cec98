// Threads of the Linux program: clone (as glibc's pthread_create calls it) gives each new thread
// its own kernel thread, spread over the harts, which runs it in U-mode until it exits; futex
// wait/wake with timeouts, which glibc's mutexes, condition variables and joins are built on.
#include <stdio.h>
#include <string.h>

#include "arch/riscv64/csr.h"
#include "linux/files.h"
#include "posix/console.h"
#include "unitag/kernel.h"

namespace uk::linux_abi {
namespace {

constexpr uint64_t kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400, kCloneSighand = 0x800,
                   kCloneThread = 0x10000, kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneChildSettid = 0x1000000;
constexpr size_t kKernelStack = 16 * 1024;  // system calls and traps of one user thread

// A thread blocked in FUTEX_WAIT: woken by posting its semaphore after leaving the list.
struct Waiter {
  uint64_t address;
  uint32_t bitset;
  bool queued;
  uk_sem wake;
  Waiter* next;
};
uk_spinlock g_futex_lock;
Waiter* g_waiters;

int64_t futex_wake(Process& p, uint64_t address, uint64_t count, uint32_t bitset) {
  SpinGuard g(g_futex_lock);
  int64_t woken = 0;
  for (Waiter** w = &g_waiters; *w && uint64_t(woken) < count;) {
    Waiter* waiter = *w;
    if (waiter->address != address || !(waiter->bitset & bitset)) {
      w = &waiter->next;
      continue;
    }
    *w = waiter->next;
    waiter->queued = false;
    uk_sem_post(&waiter->wake);
    ++woken;
  }
  return woken;
}

// deadline_ns: on the monotonic clock (uk_time_ns), 0 for none.
int64_t futex_wait(Process& p, uint64_t address, uint32_t expected, uint64_t deadline_ns,
                   uint32_t bitset) {
  Waiter w{address, bitset, true, UK_SEM_INIT(0), nullptr};
  {
    SpinGuard g(g_futex_lock);
    uint32_t value;
    if (!p.memory.copy_in(&value, address, 4)) return -kEFAULT;
    if (value != expected) return -kEAGAIN;
    w.next = g_waiters;
    g_waiters = &w;
  }
  if (!deadline_ns) {
    uk_sem_wait(&w.wake);
    return 0;
  }
  // The library OS has no timed wait: poll the semaphore, sleeping in short steps.
  for (;;) {
    if (uk_sem_trywait(&w.wake) == 0) return 0;
    const uint64_t now = uk_time_ns();
    if (now >= deadline_ns) {
      SpinGuard g(g_futex_lock);
      if (!w.queued) break;  // woken just now: take the post below
      for (Waiter** q = &g_waiters; *q; q = &(*q)->next)
        if (*q == &w) {
          *q = w.next;
          break;
        }
      return -kETIMEDOUT;
    }
    uk_sleep_ns(deadline_ns - now < 1000000 ? deadline_ns - now : 1000000);
  }
  uk_sem_wait(&w.wake);
  return 0;
}

void prepare_hart(Process& p) {
  // Below M, PMP denies whatever no entry allows: one entry opens all memory, so the page
  // table alone decides what the program may touch (and the walker may read the table).
  UK_CSR_WRITE(pmpaddr0, ~uint64_t{0} >> 10);
  UK_CSR_WRITE(pmpcfg0, 0x1f);  // NAPOT, R, W, X
  UK_CSR_WRITE(satp, p.memory.satp());
  // The program's FP registers live in this kernel thread's: take its FP area first.
  __asm__ volatile("fscsr zero" ::: "memory");
}

void* thread_main(void* arg) {
  Thread& t = *static_cast<Thread*>(arg);
  prepare_hart(*t.process);
  run_thread(*t.process, t);
}

[[noreturn]] void end_thread(Process& p, Thread& t, int status) {
  if (t.clear_child_tid) {
    const uint32_t zero = 0;
    if (p.memory.copy_out(t.clear_child_tid, &zero, 4)) futex_wake(p, t.clear_child_tid, 1, ~0u);
  }
  bool last;
  {
    SpinGuard g(p.threads_lock);
    for (Thread*& slot : p.threads)
      if (slot == &t) slot = nullptr;
    last = --p.live_threads == 0;
  }
  if (last) console_exit(status & 0xff);
  if (t.tid != 1) delete &t;  // the main thread's is static
  uk_thread_exit(nullptr);
}

}  // namespace

Thread& current_thread(Process& p) {
  uk_thread* self = uk_thread_self();
  SpinGuard g(p.threads_lock);
  for (Thread* t : p.threads)
    if (t && t->kernel == self) return *t;
  uk_panic("linux: a kernel thread without a Linux thread made a system call");
}

bool add_thread(Process& p, Thread* t) {
  SpinGuard g(p.threads_lock);
  for (Thread*& slot : p.threads)
    if (!slot) {
      slot = t;
      ++p.live_threads;
      t->process = &p;
      return true;
    }
  return false;
}

void start_main_thread(Process& p, Thread& t) {
  t.tid = 1;
  t.kernel = uk_thread_self();
  add_thread(p, &t);
  prepare_hart(p);
}

int64_t sys_clone(Process& p, const uint64_t* a) {
  const uint64_t flags = a[0];
  constexpr uint64_t kThreadFlags =
      kCloneVm | kCloneFs | kCloneFiles | kCloneSighand | kCloneThread;
  if ((flags & kThreadFlags) != kThreadFlags) {
    static bool told;
    if (!told) {
      const char* line = "linux: clone without CLONE_VM|CLONE_THREAD (fork) is not supported\n";
      console_write(line, strlen(line));
    }
    told = true;
    return -kENOSYS;
  }
  Thread& parent = current_thread(p);
  auto* t = new Thread;
  t->ctx = parent.ctx;  // the pc is already past the ecall
  t->ctx.x[10] = 0;
  t->ctx.x[2] = a[1];
  if (flags & kCloneSettls) t->ctx.x[4] = a[3];
  {
    SpinGuard g(p.threads_lock);
    t->tid = p.next_tid++;
  }
  const uint32_t tid = uint32_t(t->tid);
  if ((flags & kCloneParentSettid) && !p.memory.copy_out(a[2], &tid, 4)) return -kEFAULT;
  if ((flags & kCloneChildSettid) && !p.memory.copy_out(a[4], &tid, 4)) return -kEFAULT;
  if (flags & kCloneChildCleartid) t->clear_child_tid = a[4];
  if (!add_thread(p, t)) {
    delete t;
    return -kEAGAIN;
  }
  char name[16];
  snprintf(name, sizeof name, "linux-%u", tid);
  const uk_thread_attr attr{UK_HART_ANY, kKernelStack, name};
  // The new kernel thread may run before uk_thread_create returns: it finds itself by `kernel`,
  // so the slot is filled under the lock the lookup takes.
  uint64_t flags_irq = uk_spin_lock(&p.threads_lock);
  uk_thread* k = uk_thread_create(thread_main, t, &attr);
  t->kernel = k;
  uk_spin_unlock(&p.threads_lock, flags_irq);
  if (!k) {
    SpinGuard g(p.threads_lock);
    for (Thread*& slot : p.threads)
      if (slot == t) slot = nullptr;
    --p.live_threads;
    delete t;
    return -kEAGAIN;
  }
  uk_thread_detach(k);
  return int64_t(tid);
}

int64_t sys_exit(Process& p, const uint64_t* a) { end_thread(p, current_thread(p), int(a[0])); }

int64_t sys_set_tid_address(Process& p, const uint64_t* a) {
  Thread& t = current_thread(p);
  t.clear_child_tid = a[0];
  return int64_t(t.tid);
}

int64_t sys_gettid(Process& p, const uint64_t*) { return int64_t(current_thread(p).tid); }

int64_t sys_futex(Process& p, const uint64_t* a) {
  constexpr uint64_t kWait = 0, kWake = 1, kWaitBitset = 9, kWakeBitset = 10;
  constexpr uint64_t kClockRealtime = 256;
  const uint64_t op = a[1] & 127;
  if (op == kWake) return futex_wake(p, a[0], a[2], ~0u);
  if (op == kWakeBitset) return a[5] ? futex_wake(p, a[0], a[2], uint32_t(a[5])) : -kEINVAL;
  if (op != kWait && op != kWaitBitset) return -kENOSYS;
  uint64_t deadline = 0;
  if (a[3]) {
    int64_t ts[2];
    if (!p.memory.copy_in(ts, a[3], sizeof ts)) return -kEFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000) return -kEINVAL;
    const uint64_t ns = uint64_t(ts[0]) * 1000000000 + uint64_t(ts[1]);
    const uint64_t now = uk_time_ns();
    if (op == kWait) {
      deadline = now + ns;  // relative
    } else {
      const uint64_t clock_now = (a[1] & kClockRealtime) ? p.boot->realtime_ns + now : now;
      deadline = ns > clock_now ? now + (ns - clock_now) : now;
    }
    if (deadline == 0) deadline = 1;
  }
  const uint32_t bitset = op == kWaitBitset ? uint32_t(a[5]) : ~0u;
  if (!bitset) return -kEINVAL;
  return futex_wait(p, a[0], uint32_t(a[2]), deadline, bitset);
}

}  // namespace uk::linux_abi
