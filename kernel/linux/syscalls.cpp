// The Linux system-call table: one row per call (number, name, handler), dispatched on a7.
// Numbers are the generic ones riscv64 uses (asm-generic/unistd.h). A call without a row is
// reported once, by name when known, and answers -ENOSYS.
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "linux/files.h"
#include "mm/heap.h"
#include "posix/console.h"
#include "unitag/kernel.h"
#include "unitag/thread.h"

namespace uk::linux_abi {
namespace {

constexpr uint64_t kPid = 1;  // the only process, and its only thread
constexpr uint64_t kMapFixed = 0x10, kMapAnonymous = 0x20, kMapStack = 0x20000,
                   kMapFixedNoReplace = 0x100000;
constexpr uint64_t kMremapMaymove = 1;
constexpr int kSigabrt = 6, kSigkill = 9, kSigstop = 19;

uint64_t page_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

[[noreturn]] void exit_process(int status) { console_exit(status & 0xff); }

int64_t sys_exit_group(Process&, const uint64_t* a) { exit_process(int(a[0])); }

// As Linux's heuristic overcommit: growing memory by more than all the free memory fails at once
// (malloc returns NULL); less is granted and paged in on first touch, and a touch that finds no
// free page ends the program as the OOM killer would (main.cpp).
bool more_than_free(uint64_t bytes) {
  const HeapStats heap = heap_stats();
  return bytes > heap.size - heap.in_use + pooled_page_bytes();
}

int64_t sys_brk(Process& p, const uint64_t* a) {
  const uint64_t want = a[0];
  if (want < p.brk_start) return int64_t(p.brk_end);
  const uint64_t old_top = page_up(p.brk_end), new_top = page_up(want);
  if (new_top > old_top) {
    if (new_top - p.brk_start > (1ull << 32) || more_than_free(new_top - old_top) ||
        !p.memory.map_area(old_top, new_top, kRead | kWrite))
      return int64_t(p.brk_end);
    p.memory.populate_for_tags(old_top, new_top);
  } else if (new_top < old_top) {
    p.memory.unmap(new_top, old_top);
  }
  p.brk_end = want;
  return int64_t(want);
}

int64_t sys_mmap(Process& p, const uint64_t* a) {
  const uint64_t addr = a[0], flags = a[3], offset = a[5];
  const uint64_t length = page_up(a[1]);
  const unsigned prot = unsigned(a[2]) & 7;
  if (length == 0 || (addr & (kPageSize - 1)) || (offset & (kPageSize - 1))) return -kEINVAL;
  if (prot != 0 && more_than_free(length)) return -kENOMEM;
  uint64_t at;
  if (flags & (kMapFixed | kMapFixedNoReplace)) {
    if ((flags & kMapFixedNoReplace) && p.memory.covered(addr, addr + 1)) return -17;  // EEXIST
    at = addr;
  } else {
    at = p.memory.place(length);
    if (!at) return -kENOMEM;
  }
  if (!p.memory.map_area(at, at + length, prot)) return -kENOMEM;
  if (!(flags & kMapAnonymous)) {
    // A private file mapping: a copy of the file's bytes, read through the descriptor.
    const uint64_t seek[3] = {a[4], offset, 0};
    if (const int64_t r = sys_lseek(p, seek); r < 0) {
      p.memory.unmap(at, at + length);
      return r;
    }
    p.memory.protect(at, at + length, prot | kWrite);
    const uint64_t read[3] = {a[4], at, a[1]};
    const int64_t r = sys_read(p, read);
    p.memory.protect(at, at + length, prot);
    if (r < 0) {
      p.memory.unmap(at, at + length);
      return r;
    }
  } else if (!(flags & kMapStack)) {
    p.memory.populate_for_tags(at, at + length);  // malloc's large blocks and arenas
  }
  return int64_t(at);
}

int64_t sys_munmap(Process& p, const uint64_t* a) {
  if ((a[0] & (kPageSize - 1)) || a[1] == 0) return -kEINVAL;
  p.memory.unmap(a[0], a[0] + page_up(a[1]));
  return 0;
}

int64_t sys_mprotect(Process& p, const uint64_t* a) {
  if (a[0] & (kPageSize - 1)) return -kEINVAL;
  if (!p.memory.protect(a[0], a[0] + page_up(a[1]), unsigned(a[2]) & 7)) return -kENOMEM;
  p.memory.populate_for_tags(a[0], a[0] + page_up(a[1]));  // a malloc arena growing
  return 0;
}

int64_t sys_mremap(Process& p, const uint64_t* a) {
  const uint64_t old = a[0], old_size = page_up(a[1]), new_size = page_up(a[2]);
  if ((old & (kPageSize - 1)) || new_size == 0) return -kEINVAL;
  if (!p.memory.covered(old, old + old_size)) return -kEFAULT;
  if (new_size <= old_size) {
    if (new_size < old_size) p.memory.unmap(old + new_size, old + old_size);
    return int64_t(old);
  }
  if (!(a[3] & kMremapMaymove)) return -kENOMEM;
  const uint64_t at = p.memory.place(new_size);
  if (!at || !p.memory.map_area(at, at + new_size, kRead | kWrite)) return -kENOMEM;
  p.memory.move_pages(old, at, old_size);
  p.memory.unmap(old, old + old_size);
  p.memory.populate_for_tags(at + old_size, at + new_size);
  return int64_t(at);
}

int64_t sys_zero(Process&, const uint64_t*) { return 0; }
// Deliberately absent, so glibc takes its fallback: rseq (none needed), clone3 (clone).
int64_t sys_no(Process&, const uint64_t*) { return -kENOSYS; }
int64_t sys_pid(Process&, const uint64_t*) { return kPid; }
int64_t sys_id0(Process&, const uint64_t*) { return 0; }  // uid, gid: root, as under qemu in CI

int64_t sys_umask(Process&, const uint64_t*) { return 022; }

int64_t sys_uname(Process& p, const uint64_t* a) {
  char u[6][65] = {"Linux",   "unitag", "6.1.0-unitag", "#1 SMP unitag library OS",
                   "riscv64", "(none)"};
  return p.memory.copy_out(a[0], u, sizeof u) ? 0 : -kEFAULT;
}

int64_t put_limit(Process& p, uint64_t user, uint64_t resource) {
  constexpr uint64_t kInfinity = ~uint64_t{0};
  uint64_t limit[2] = {kInfinity, kInfinity};
  if (resource == 3) limit[0] = 8ull << 20;     // RLIMIT_STACK
  if (resource == 7) limit[0] = limit[1] = 64;  // RLIMIT_NOFILE: the descriptor table
  return !user || p.memory.copy_out(user, limit, sizeof limit) ? 0 : -kEFAULT;
}

int64_t sys_prlimit64(Process& p, const uint64_t* a) {
  if (a[0] != 0 && a[0] != kPid) return -kESRCH;
  return put_limit(p, a[3], a[1]);
}
int64_t sys_getrlimit(Process& p, const uint64_t* a) { return put_limit(p, a[1], a[0]); }

uint64_t g_random_state;
uint64_t next_random() {  // splitmix64, seeded by the host
  uint64_t z = (g_random_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int64_t sys_getrandom(Process& p, const uint64_t* a) {
  for (uint64_t done = 0; done < a[1]; done += 8) {
    const uint64_t r = next_random();
    if (!p.memory.copy_out(a[0] + done, &r, a[1] - done < 8 ? a[1] - done : 8)) return -kEFAULT;
  }
  return int64_t(a[1]);
}

uint64_t clock_ns(Process& p, uint64_t clock) {
  const uint64_t since_boot = uk_time_ns();
  return clock == 0 || clock == 5 ? p.boot->realtime_ns + since_boot : since_boot;
}

int64_t sys_clock_gettime(Process& p, const uint64_t* a) {
  if (a[0] > 11) return -kEINVAL;
  const uint64_t ns = clock_ns(p, a[0]);
  const int64_t ts[2] = {int64_t(ns / 1000000000), int64_t(ns % 1000000000)};
  return p.memory.copy_out(a[1], ts, sizeof ts) ? 0 : -kEFAULT;
}

int64_t sys_clock_getres(Process& p, const uint64_t* a) {
  const int64_t ts[2] = {0, 100};  // mtime ticks at 10 MHz
  return !a[1] || p.memory.copy_out(a[1], ts, sizeof ts) ? 0 : -kEFAULT;
}

int64_t sys_gettimeofday(Process& p, const uint64_t* a) {
  const uint64_t ns = clock_ns(p, 0);
  const int64_t tv[2] = {int64_t(ns / 1000000000), int64_t(ns % 1000000000 / 1000)};
  return !a[0] || p.memory.copy_out(a[0], tv, sizeof tv) ? 0 : -kEFAULT;
}

int64_t sleep_until(Process& p, uint64_t clock, uint64_t deadline_ns) {
  const uint64_t now = clock_ns(p, clock);
  if (deadline_ns > now) uk_sleep_ns(deadline_ns - now);
  return 0;
}

int64_t read_timespec(Process& p, uint64_t user, uint64_t& ns) {
  int64_t ts[2];
  if (!p.memory.copy_in(ts, user, sizeof ts)) return -kEFAULT;
  if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000) return -kEINVAL;
  ns = uint64_t(ts[0]) * 1000000000 + uint64_t(ts[1]);
  return 0;
}

int64_t sys_nanosleep(Process& p, const uint64_t* a) {
  uint64_t ns;
  if (const int64_t r = read_timespec(p, a[0], ns)) return r;
  return sleep_until(p, 1, clock_ns(p, 1) + ns);
}

int64_t sys_clock_nanosleep(Process& p, const uint64_t* a) {
  uint64_t ns;
  if (const int64_t r = read_timespec(p, a[2], ns)) return r;
  return sleep_until(p, a[0], (a[1] & 1) ? ns : clock_ns(p, a[0]) + ns);  // TIMER_ABSTIME
}

int64_t sys_sysinfo(Process& p, const uint64_t* a) {
  // struct sysinfo: uptime, loads[3], totalram, freeram, shared, buffer, totalswap, freeswap,
  // procs (+pad), totalhigh, freehigh, mem_unit: RAM is the kernel heap the pages come from.
  uint64_t info[14] = {};
  struct uk_memory_stats stats;
  uk_memory_stats(&stats);
  info[0] = uk_time_ns() / 1000000000;
  info[4] = stats.heap_bytes;
  info[5] = stats.heap_bytes - stats.heap_in_use;
  info[10] = 1;  // procs
  const uint32_t mem_unit = 1;
  memcpy(reinterpret_cast<uint8_t*>(info) + 104, &mem_unit, 4);
  return p.memory.copy_out(a[0], info, sizeof info) ? 0 : -kEFAULT;
}

int64_t sys_sched_yield(Process&, const uint64_t*) {
  uk_yield();
  return 0;
}

int64_t sys_sched_getaffinity(Process& p, const uint64_t* a) {
  if (a[1] < 8) return -kEINVAL;
  const unsigned harts = uk_hart_count();
  const uint64_t mask = harts >= 64 ? ~uint64_t{0} : (uint64_t{1} << harts) - 1;
  return p.memory.copy_out(a[2], &mask, 8) ? 8 : -kEFAULT;
}

int64_t sys_rt_sigaction(Process& p, const uint64_t* a) {
  const uint64_t sig = a[0];
  if (sig < 1 || sig > 64 || ((sig == kSigkill || sig == kSigstop) && a[1])) return -kEINVAL;
  Process::SignalAction& action = p.signal_actions[sig];
  if (a[2] && !p.memory.copy_out(a[2], &action, sizeof action)) return -kEFAULT;
  if (a[1] && !p.memory.copy_in(&action, a[1], sizeof action)) return -kEFAULT;
  return 0;
}

int64_t sys_rt_sigprocmask(Process& p, const uint64_t* a) {
  const uint64_t old = p.signal_mask;
  if (a[1]) {
    uint64_t set;
    if (!p.memory.copy_in(&set, a[1], 8)) return -kEFAULT;
    switch (a[0]) {
      case 0:
        p.signal_mask |= set;
        break;
      case 1:
        p.signal_mask &= ~set;
        break;
      case 2:
        p.signal_mask = set;
        break;
      default:
        return -kEINVAL;
    }
  }
  return !a[2] || p.memory.copy_out(a[2], &old, 8) ? 0 : -kEFAULT;
}

int64_t sys_sigaltstack(Process& p, const uint64_t* a) {
  const uint64_t disabled[3] = {0, 2, 0};  // SS_DISABLE
  return !a[1] || p.memory.copy_out(a[1], disabled, sizeof disabled) ? 0 : -kEFAULT;
}

// A signal the process sends itself: ignored, or its default action (handlers do not run yet).
int64_t raise_signal(Process& p, uint64_t sig) {
  if (sig == 0) return 0;
  if (sig > 64) return -kEINVAL;
  const uint64_t handler = p.signal_actions[sig].handler;
  const bool ignored_by_default = sig == 17 || sig == 23 || sig == 28;  // CHLD, URG, WINCH
  if ((handler == 1 || (handler == 0 && ignored_by_default)) && sig != kSigkill) return 0;
  if (handler > 1) {
    static bool told;
    if (!told)
      printf("linux: signal %lu has a handler; handlers are not run, default action\n",
             (unsigned long)sig);
    told = true;
  }
  die_by_signal(int(sig));
}

int64_t sys_kill(Process& p, const uint64_t* a) {
  return a[0] == kPid || a[0] == 0 ? raise_signal(p, a[1]) : -kESRCH;
}
int64_t sys_tkill(Process& p, const uint64_t* a) {
  return a[0] == kPid ? raise_signal(p, a[1]) : -kESRCH;
}
int64_t sys_tgkill(Process& p, const uint64_t* a) {
  return a[0] == kPid && a[1] == kPid ? raise_signal(p, a[2]) : -kESRCH;
}

int64_t sys_riscv_flush_icache(Process&, const uint64_t*) {
  __asm__ volatile("fence.i" ::: "memory");
  return 0;
}

struct Syscall {
  uint16_t number;
  const char* name;
  SyscallHandler handler;  // nullptr: known, not implemented
};

// Every call glibc's start-up and common C/C++ programs make, plus known names for reports.
const Syscall kTable[] = {
    {17, "getcwd", sys_getcwd},
    {23, "dup", sys_dup},
    {24, "dup3", sys_dup3},
    {25, "fcntl", sys_fcntl},
    {29, "ioctl", sys_ioctl},
    {34, "mkdirat", sys_read_only_fs},
    {35, "unlinkat", sys_read_only_fs},
    {38, "renameat", sys_read_only_fs},
    {48, "faccessat", sys_faccessat},
    {49, "chdir", nullptr},
    {56, "openat", sys_openat},
    {57, "close", sys_close},
    {59, "pipe2", nullptr},
    {61, "getdents64", sys_getdents64},
    {62, "lseek", sys_lseek},
    {63, "read", sys_read},
    {64, "write", sys_write},
    {65, "readv", sys_readv},
    {66, "writev", sys_writev},
    {67, "pread64", sys_pread64},
    {78, "readlinkat", sys_readlinkat},
    {79, "newfstatat", sys_newfstatat},
    {80, "fstat", sys_fstat},
    {93, "exit", sys_exit},
    {94, "exit_group", sys_exit_group},
    {96, "set_tid_address", sys_set_tid_address},
    {98, "futex", sys_futex},
    {99, "set_robust_list", sys_zero},
    {101, "nanosleep", sys_nanosleep},
    {113, "clock_gettime", sys_clock_gettime},
    {114, "clock_getres", sys_clock_getres},
    {115, "clock_nanosleep", sys_clock_nanosleep},
    {123, "sched_getaffinity", sys_sched_getaffinity},
    {124, "sched_yield", sys_sched_yield},
    {129, "kill", sys_kill},
    {130, "tkill", sys_tkill},
    {131, "tgkill", sys_tgkill},
    {132, "sigaltstack", sys_sigaltstack},
    {134, "rt_sigaction", sys_rt_sigaction},
    {135, "rt_sigprocmask", sys_rt_sigprocmask},
    {160, "uname", sys_uname},
    {163, "getrlimit", sys_getrlimit},
    {165, "getrusage", nullptr},
    {166, "umask", sys_umask},
    {167, "prctl", nullptr},
    {169, "gettimeofday", sys_gettimeofday},
    {172, "getpid", sys_pid},
    {173, "getppid", sys_id0},
    {174, "getuid", sys_id0},
    {175, "geteuid", sys_id0},
    {176, "getgid", sys_id0},
    {177, "getegid", sys_id0},
    {178, "gettid", sys_gettid},
    {179, "sysinfo", sys_sysinfo},
    {214, "brk", sys_brk},
    {215, "munmap", sys_munmap},
    {216, "mremap", sys_mremap},
    {220, "clone", sys_clone},
    {221, "execve", nullptr},
    {222, "mmap", sys_mmap},
    {226, "mprotect", sys_mprotect},
    {233, "madvise", sys_zero},
    {259, "riscv_flush_icache", sys_riscv_flush_icache},
    {261, "prlimit64", sys_prlimit64},
    {278, "getrandom", sys_getrandom},
    {291, "statx", sys_statx},
    {293, "rseq", sys_no},
    {435, "clone3", sys_no},
};

constexpr unsigned kMaxNumber = 512;
const Syscall* g_by_number[kMaxNumber];
bool g_reported[kMaxNumber];

}  // namespace

void syscalls_init(const unitag_linux_boot* boot) {
  for (const Syscall& s : kTable) g_by_number[s.number] = &s;
  memcpy(&g_random_state, boot->random + 8, 8);
}

void handle_syscall(Process& p, Thread& t) {
  UserContext& c = t.ctx;
  const uint64_t number = c.x[17];
  const uint64_t args[6] = {c.x[10], c.x[11], c.x[12], c.x[13], c.x[14], c.x[15]};
  c.pc += 4;
  const Syscall* s = number < kMaxNumber ? g_by_number[number] : nullptr;
  if (s && s->handler) {
    c.x[10] = uint64_t(s->handler(p, args));
    return;
  }
  if (number >= kMaxNumber || !g_reported[number]) {
    if (number < kMaxNumber) g_reported[number] = true;
    char line[128];
    snprintf(line, sizeof line, "linux: system call %s (%lu) is not implemented: -ENOSYS\n",
             s ? s->name : "unknown", (unsigned long)number);
    console_write(line, strlen(line));
  }
  c.x[10] = uint64_t(-kENOSYS);
}

}  // namespace uk::linux_abi
