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

constexpr int kSigill = 4, kSigtrap = 5, kSigbus = 7, kSigsegv = 11;

Process g_process;

[[noreturn]] void fatal_fault(const Process& p, int sig, const char* what) {
  char line[160];
  snprintf(line, sizeof line, "linux: %s at pc 0x%lx (address 0x%lx): signal %d\n", what,
           (unsigned long)p.ctx.pc, (unsigned long)p.ctx.tval, sig);
  console_write(line, __builtin_strlen(line));
  die_by_signal(sig);
}

[[noreturn]] void run(Process& p) {
  for (;;) {
    const uint64_t cause = uk_linux_run_user(&p.ctx);
    arch::irq_enable();  // a pending interrupt is taken here, by the library OS's handler
    if (cause & arch::kCauseInterrupt) continue;
    switch (cause) {
      case 8:
        handle_syscall(p);
        break;
      case 12:
      case 13:
      case 15: {
        const unsigned need = cause == 12 ? kExec : cause == 13 ? kRead : kWrite;
        if (!p.memory.handle_fault(p.ctx.tval, need))
          fatal_fault(p, kSigsegv, "segmentation fault");
        break;
      }
      case 2:
        fatal_fault(p, kSigill, "illegal instruction");
      case 3:
        fatal_fault(p, kSigtrap, "breakpoint");
      case 0:
      case 4:
      case 6:
        fatal_fault(p, kSigbus, "misaligned access");
      default:
        fatal_fault(p, kSigsegv, "access fault");
    }
  }
}

}  // namespace
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
  if (!p.memory.init() || !load_program(p)) return 70;
  // The program's FP registers live in this thread's: take the FP area before entering U-mode.
  __asm__ volatile("fscsr zero" ::: "memory");
  // Below M, PMP denies whatever no entry allows: one entry opens all memory, so the page
  // table alone decides what the program may touch (and the walker may read the table).
  UK_CSR_WRITE(pmpaddr0, ~uint64_t{0} >> 10);
  UK_CSR_WRITE(pmpcfg0, 0x1f);  // NAPOT, R, W, X
  UK_CSR_WRITE(satp, p.memory.satp());
  run(p);
}
