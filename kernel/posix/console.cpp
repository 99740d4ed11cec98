// Console driver (see console.h). NS16550A registers: THR/RBR at +0, LSR at +5 (bit 0 data
// ready, bit 5 transmitter holding register empty).
#include "posix/console.h"

#include <stdio.h>

#include "arch/riscv64/finisher.h"
#include "core/boot.h"
#include "core/sched.h"
#include "unitag/thread.h"

namespace uk {
namespace {

volatile uint8_t* const kUart = reinterpret_cast<volatile uint8_t*>(0x10000000);
constexpr unsigned kLsr = 5;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20;

uk_spinlock g_console_lock;
volatile bool g_panic_mode;

void uart_putc(char c) {
  while (!(kUart[kLsr] & kLsrThrEmpty)) {
  }
  kUart[0] = uint8_t(c);
}

void emit(const char* s, size_t n) {
  if (g_panic_mode) return;
  const uint64_t flags = uk_spin_lock(&g_console_lock);
  for (size_t i = 0; i < n; ++i) uart_putc(s[i]);
  uk_spin_unlock(&g_console_lock, flags);
}

uk_thread* current_thread() { return g_cpus ? this_cpu()->current : nullptr; }

}  // namespace

void console_write(const char* s, size_t n) {
  uk_thread* t = current_thread();
  if (!t) {
    emit(s, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    t->line[t->line_len++] = s[i];
    if (s[i] == '\n' || t->line_len == sizeof t->line) {
      emit(t->line, t->line_len);
      t->line_len = 0;
    }
  }
}

void console_flush_thread(uk_thread* t) {
  if (t && t->line_len) {
    emit(t->line, t->line_len);
    t->line_len = 0;
  }
}

int console_read_char() {
  console_flush_thread(current_thread());  // a prompt without newline must show before input
  while (!(kUart[kLsr] & kLsrDataReady)) {
    if (current_thread()) uk_sleep_ns(1'000'000);
  }
  return kUart[0];
}

void console_write_raw(const char* s) {
  while (*s) uart_putc(*s++);
}

void console_enter_panic() {
  // Wait briefly for a line in flight on another hart, then take the console for good.
  for (int spins = 0; spins < 100000 && __atomic_load_n(&g_console_lock.locked, __ATOMIC_ACQUIRE);
       ++spins) {
  }
  g_panic_mode = true;
}

void console_exit(int code) {
  console_flush_thread(current_thread());
  // In a multikernel, only partition 0 ends the run by finishing; another partition whose main
  // succeeds keeps serving (its service threads run on). A failure still ends the run.
  const uk_boot_config& c = boot_config();
  if (code == 0 && c.partition_count > 1 && c.partition_index != 0 && g_cpus)
    thread_retire(nullptr);
  machine_exit(code);
}

}  // namespace uk

// picolibc stream callbacks (posix/stdio_streams.c).
extern "C" int uk_console_put(char c, FILE*) {
  uk::console_write(&c, 1);
  return static_cast<unsigned char>(c);
}
extern "C" int uk_console_get(FILE*) { return uk::console_read_char(); }
extern "C" int uk_console_flush(FILE*) {
  uk::console_flush_thread(uk::g_cpus ? uk::this_cpu()->current : nullptr);
  return 0;
}
