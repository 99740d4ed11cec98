// The Linux personality's one process: its registers while the kernel handles a trap, its Sv39
// address space (user pages are kernel-heap pages, mapped on first touch inside the memory
// areas the program was given), and copies between user and kernel memory. Kernel-internal.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unitag/linux_boot.h"
#include "unitag/sync.h"
#include "unitag/thread.h"

namespace uk::linux_abi {

// Shared with user_entry.S (offsets there).
struct UserContext {
  uint64_t x[32];
  uint64_t pc, cause, tval;
  uint64_t kernel_sp, kernel_mscratch, kernel_mtvec;
  uint64_t f[32];
  uint64_t fcsr;
};
static_assert(__builtin_offsetof(UserContext, pc) == 256);
static_assert(__builtin_offsetof(UserContext, f) == 304);
static_assert(__builtin_offsetof(UserContext, fcsr) == 560);

extern "C" uint64_t uk_linux_run_user(UserContext* ctx);
// Called with interrupts off just before uk_linux_run_user and just after it returns: lets an
// unmap wait until no other hart can still use a translation it removed.
void user_mode_transition();

inline constexpr uint64_t kPageSize = 4096;

// Holds a spinlock for a scope (interrupts off on this hart meanwhile).
struct SpinGuard {
  explicit SpinGuard(uk_spinlock& l) : lock(l), flags(uk_spin_lock(&l)) {}
  ~SpinGuard() { uk_spin_unlock(&lock, flags); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;
  uk_spinlock& lock;
  uint64_t flags;
};
enum Access : unsigned { kRead = 1, kWrite = 2, kExec = 4 };  // as PROT_READ/WRITE/EXEC

// Bytes of freed user pages kept for the next mapping (free memory the kernel heap does not count).
uint64_t pooled_page_bytes();

class AddressSpace {
 public:
  bool init();
  uint64_t satp() const;
  // [start, end) page-aligned. map_area replaces whatever was there (MAP_FIXED semantics).
  bool map_area(uint64_t start, uint64_t end, unsigned prot);
  void unmap(uint64_t start, uint64_t end);
  bool protect(uint64_t start, uint64_t end, unsigned prot);
  // Whether [start, end) lies inside areas (every page of it).
  bool covered(uint64_t start, uint64_t end) const;
  // A page fault at va needing `need`: maps a zero page if an area allows it.
  enum class Fault { kMapped, kRefused, kNoMemory };
  Fault handle_fault(uint64_t va, unsigned need);
  // Moves the pages of [old, old + size) to [to, to + size); both ranges are areas already.
  void move_pages(uint64_t old, uint64_t to, uint64_t size);
  // Top-down placement for mmap without MAP_FIXED.
  uint64_t place(uint64_t size);

  // Copies checked like a user access needing `need`; pages are mapped on demand.
  bool copy_in(void* dst, uint64_t va, size_t n);
  bool copy_out(uint64_t va, const void* src, size_t n);
  // Loading the program: writes whatever the page permissions.
  bool write_initial(uint64_t va, const void* src, size_t n);
  // With an allocation-colouring policy on (heap, mte, bounds: they colour a block when the
  // program's malloc returns it, by the pages mapped then), maps every page of a writable
  // [start, end) now instead of on first touch. Untagged runs keep demand paging.
  void populate_for_tags(uint64_t start, uint64_t end);
  // Hands the pages holding [va, va + n) of the program image to the tag engine (tag.image), so
  // its code and globals get their load-time tags; nothing without tag policies.
  void tag_image_pages(uint64_t va, size_t n);
  // A NUL-terminated string of at most max bytes (incl. NUL); false if unreadable or too long.
  bool copy_string_in(char* dst, uint64_t va, size_t max);

 private:
  struct Area {
    uint64_t start, end;
    unsigned prot;
  };
  static constexpr unsigned kMaxAreas = 512;
  uint64_t* leaf(uint64_t va, bool create);
  const Area* area_of(uint64_t va) const;
  uint8_t* page_for(uint64_t va, unsigned need, bool force);
  void split_at(uint64_t va);
  void remove_areas(uint64_t start, uint64_t end);
  bool copy(uint64_t va, void* kernel, size_t n, bool out, unsigned need, bool force);
  bool covered_locked(uint64_t start, uint64_t end) const;
  void unmap_locked(uint64_t start, uint64_t end);

  // Threads on every hart fault and map at once: one lock over the table and the areas.
  mutable uk_spinlock lock_{};

  uint64_t* root_ = nullptr;
  Area areas_[kMaxAreas];
  unsigned area_count_ = 0;
  uint64_t mmap_next_ = 0;
};

struct Process;

// One thread of the program, run by its own kernel thread (which it never leaves).
struct Thread {
  UserContext ctx{};
  uint64_t tid = 0;
  uint64_t clear_child_tid = 0;  // CLONE_CHILD_CLEARTID / set_tid_address: zeroed and woken at exit
  uk_thread* kernel = nullptr;
  Process* process = nullptr;  // set when the thread joins it
};

// What the process was started with and what it set up since.
struct Process {
  static constexpr unsigned kMaxThreads = 64;
  const unitag_linux_boot* boot = nullptr;
  AddressSpace memory;
  uint64_t entry = 0;
  uint64_t brk_start = 0, brk_end = 0;
  Thread* threads[kMaxThreads] = {};
  uk_spinlock threads_lock{};
  uint64_t next_tid = 2;  // the main thread is tid 1 (and the pid)
  unsigned live_threads = 0;
  uint64_t signal_mask = 0;
  struct SignalAction {
    uint64_t handler, flags, mask;
  } signal_actions[65]{};
};

// Loads the program's PT_LOAD segments and builds the initial stack (argv, envp, auxv); on
// failure prints why and returns false.
bool load_program(Process& p, UserContext& ctx);

// System calls (syscalls.cpp): handles the ecall in t.ctx, sets a0, advances the pc.
void handle_syscall(Process& p, Thread& t);
using SyscallHandler = int64_t (*)(Process&, const uint64_t* args);

// Threads (threads.cpp): the calling thread; registering the main one and preparing its hart.
Thread& current_thread(Process& p);
bool add_thread(Process& p, Thread* t);
void start_main_thread(Process& p, Thread& t);
// Runs t in U-mode and handles its traps until it exits (main.cpp).
[[noreturn]] void run_thread(Process& p, Thread& t);
int64_t sys_clone(Process& p, const uint64_t* a);
int64_t sys_exit(Process& p, const uint64_t* a);
int64_t sys_futex(Process& p, const uint64_t* a);
int64_t sys_set_tid_address(Process& p, const uint64_t* a);
int64_t sys_gettid(Process& p, const uint64_t* a);
// Ends the process as Linux does when sig kills it (exit status 128 + sig, as a shell sees).
[[noreturn]] void die_by_signal(int sig);

}  // namespace uk::linux_abi
