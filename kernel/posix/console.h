// The console on the NS16550A UART (0x10000000): stdin/stdout/stderr, write(1|2), the panic path.
// Output is line-buffered per thread and each line goes out whole under a lock, so lines from
// threads on different harts never interleave. Kernel-internal.
#pragma once

#include <stddef.h>

struct uk_thread;

namespace uk {

void console_write(const char* s, size_t n);  // buffered through the calling thread
int console_read_char();                      // blocks (polling, sleeping between polls)
void console_flush_thread(uk_thread* t);
// Straight to the UART without locks: early boot and panics.
void console_write_raw(const char* s);
void console_enter_panic();                // from now on only the panicking hart prints
[[noreturn]] void console_exit(int code);  // flush the caller's line, end the run

}  // namespace uk
