// Panic reports. The first hart to panic owns the console until the run ends; a second panic
// (on another hart, or inside the report) only parks its hart.
#include "core/panic.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch/riscv64/csr.h"
#include "arch/riscv64/finisher.h"
#include "core/boot.h"
#include "core/sched.h"
#include "core/symbols.h"
#include "posix/console.h"
#include "unitag/trap_causes.h"

namespace uk {
namespace {

uint32_t g_panicking;

const char* cause_name(uint64_t cause) {
  if (cause & arch::kCauseInterrupt) return "unexpected interrupt";
  return unitag_exception_name(cause);
}

void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void print(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  console_write_raw(buf);
}

void print_location(uint64_t pc) {
  uint64_t offset = 0;
  if (const char* name = symbol_for(pc, &offset))
    print("0x%08lx <%s+0x%lx>\n", pc, name, offset);
  else
    print("0x%08lx\n", pc);
}

// Enters the report; parks the hart if another panic is already being reported.
void begin() {
  arch::irq_disable();
  if (__atomic_exchange_n(&g_panicking, 1u, __ATOMIC_ACQ_REL)) {
    for (;;) arch::wait_for_interrupt();
  }
  console_enter_panic();
  if (g_cpus) {
    if (uk_thread* self = this_cpu()->current) console_flush_thread(self);
  }
}

void print_context() {
  if (!g_cpus) {
    print("  hart %u, before the scheduler started\n", arch::hart_id());
    return;
  }
  const uk_thread* self = this_cpu()->current;
  if (boot_config().partition_count > 1)
    print("  partition %u of %u, ", boot_config().partition_index, boot_config().partition_count);
  else
    print("  ");
  print("hart %u, thread %u \"%s\"\n", arch::hart_id(), self->id, self->name);
}

bool is_code(uint64_t a) {
  return a >= reinterpret_cast<uintptr_t>(__text_start) &&
         a < reinterpret_cast<uintptr_t>(__text_end);
}

// Walks the frame-pointer chain: the caller's return address is at fp-8, its fp at fp-16. A leaf
// function saves only fp (at fp-8) and keeps its return address in ra: when the trapping frame
// looks like that, ra (`leaf_ra`, 0 if unknown) supplies the caller.
void backtrace(uint64_t pc, uint64_t fp, uint64_t leaf_ra) {
  uint64_t lo = 0x80000000, hi = boot_config().ram_end;
  if (g_cpus) {
    const uk_thread* self = this_cpu()->current;
    lo = reinterpret_cast<uintptr_t>(self->stack_base);
    hi = lo + self->stack_size;
  }
  print("backtrace:\n");
  print("  #0  ");
  print_location(pc);
  for (int depth = 1; depth < 32; ++depth) {
    if (fp < lo + 16 || fp > hi || (fp & 7)) break;
    uint64_t ra = reinterpret_cast<const uint64_t*>(fp)[-1];
    uint64_t prev = reinterpret_cast<const uint64_t*>(fp)[-2];
    if (depth == 1 && leaf_ra && !is_code(ra) && ra > fp && ra <= hi) {
      prev = ra;
      ra = leaf_ra;
    }
    if (ra == 0) break;
    print("  #%-2d ", depth);
    if (!is_code(ra)) break;
    print_location(ra - 2);  // the call, not the instruction after it (c.jalr is 2 bytes)
    if (prev <= fp) break;
    fp = prev;
  }
}

}  // namespace

[[noreturn]] void panic_on_trap(const TrapFrame* f) {
  begin();
  print("panic: %s (mcause %lu) at pc ", cause_name(f->mcause), f->mcause & 0xff);
  print_location(f->mepc);
  print("  mtval 0x%016lx\n", f->mtval);
  print_context();
  static const char* const kAbi[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                       "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                       "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                       "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  for (int i = 1; i < 32; ++i) print("  %-4s %016lx%s", kAbi[i], f->x[i], i % 4 == 3 ? "\n" : "");
  backtrace(f->mepc, f->x[8], f->x[1]);
  machine_exit(UK_PANIC_EXIT_CODE);
}

}  // namespace uk

using namespace uk;

extern "C" [[noreturn]] void uk_panic(const char* fmt, ...) {
  begin();
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  print("panic: %s\n", buf);
  print_context();
  uint64_t pc;
  __asm__ volatile("auipc %0, 0" : "=r"(pc));
  backtrace(pc, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), 0);
  machine_exit(UK_PANIC_EXIT_CODE);
}

extern "C" [[noreturn]] void uk_early_trap_report(uint64_t cause, uint64_t pc, uint64_t tval) {
  char buf[160];
  snprintf(buf, sizeof buf, "panic: %s (mcause %lu) during early boot at pc 0x%08lx, mtval 0x%lx\n",
           cause_name(cause), cause & 0xff, pc, tval);
  console_write_raw(buf);
  machine_exit(UK_PANIC_EXIT_CODE);
}
