// The Linux personality of the library OS (build/guest/linux_abi.elf): boots like any app, finds
// the program `unitag run` placed above its RAM (abi/unitag/linux_boot.h), loads it into an Sv39
// address space and runs it in U-mode, handling its traps: system calls, page faults on memory
// it was given (mapped on first touch), and fatal faults as the signal Linux would send.
#include <stdio.h>

#include "arch/riscv64/csr.h"
#include "linux/files.h"
#include "posix/console.h"
#include "unitag/kernel.h"

namespace uk::linux_abi {

void syscalls_init(const unitag_linux_boot* boot);

[[noreturn]] void die_by_signal(int sig) { console_exit(128 + sig); }

namespace {

constexpr int kSigill = 4, kSigtrap = 5, kSigkill = 9, kSigbus = 7, kSigsegv = 11;

Process g_process;
Thread g_main_thread;

[[noreturn]] void fatal_fault(const Thread& t, int sig, const char* what) {
  char line[160];
  snprintf(line, sizeof line, "linux: %s at pc 0x%lx (address 0x%lx): signal %d\n", what,
           (unsigned long)t.ctx.pc, (unsigned long)t.ctx.tval, sig);
  console_write(line, __builtin_strlen(line));
  die_by_signal(sig);
}

}  // namespace

[[noreturn]] void run_thread(Process& p, Thread& t) {
  for (;;) {
    arch::irq_disable();
    user_mode_transition();
    const uint64_t cause = uk_linux_run_user(&t.ctx);
    user_mode_transition();
    arch::irq_enable();  // a pending interrupt is taken here, by the library OS's handler
    if (cause & arch::kCauseInterrupt) continue;
    switch (cause) {
      case 8:
        handle_syscall(p, t);
        break;
      case 12:
      case 13:
      case 15: {
        const unsigned need = cause == 12 ? kExec : cause == 13 ? kRead : kWrite;
        switch (p.memory.handle_fault(t.ctx.tval, need)) {
          case AddressSpace::Fault::kMapped:
            break;
          case AddressSpace::Fault::kRefused:
            fatal_fault(t, kSigsegv, "segmentation fault");
          case AddressSpace::Fault::kNoMemory:  // as Linux's OOM killer: SIGKILL
            fatal_fault(t, kSigkill, "out of memory (no free page; run with a larger --mem)");
        }
        break;
      }
      case 2:
        fatal_fault(t, kSigill, "illegal instruction");
      case 3:
        fatal_fault(t, kSigtrap, "breakpoint");
      case 0:
      case 4:
      case 6:
        fatal_fault(t, kSigbus, "misaligned access");
      default:
        fatal_fault(t, kSigsegv, "access fault");
    }
  }
}

}  // namespace uk::linux_abi

int main() {
  using namespace uk::linux_abi;
  const uk_boot_config* config = uk_boot_info();
  const auto* boot = reinterpret_cast<const unitag_linux_boot*>(config->ram_end);
  if (!config->from_bootinfo || boot->magic != UNITAG_LINUX_BOOT_MAGIC ||
      boot->version != UNITAG_LINUX_BOOT_VERSION) {
    printf("linux_abi: no Linux program to run; give one to unitag: unitag run PROGRAM\n");
    return 65;
  }
  Process& p = g_process;
  p.boot = boot;
  files_init(boot);
  syscalls_init(boot);
  if (!p.memory.init() || !load_program(p, g_main_thread.ctx)) return 70;
  start_main_thread(p, g_main_thread);
  run_thread(p, g_main_thread);
}
