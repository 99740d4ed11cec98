// The rest of what picolibc expects from its OS: _exit/abort, and the C++ runtime pieces a
// freestanding image needs (new/delete, guards,
// __dso_handle, pure virtual calls).
#include <stdlib.h>

#include "core/sched.h"
#include "posix/console.h"
#include "unitag/kernel.h"
#include "unitag/sync.h"

namespace {
// Before the scheduler runs there is one hart and no thread: no locking, no yielding.
bool threads_running() { return uk::g_cpus != nullptr; }
}  // namespace

extern "C" {
void* __dso_handle = &__dso_handle;

void _exit(int code) { uk::console_exit(code); }
void abort(void) { uk_panic("abort() called"); }

// Thread-safe function-local statics: byte 0 of the guard = done, byte 1 = being initialised.
int __cxa_guard_acquire(uint64_t* guard) {
  auto* bytes = reinterpret_cast<uint8_t*>(guard);
  for (;;) {
    if (__atomic_load_n(&bytes[0], __ATOMIC_ACQUIRE)) return 0;
    if (!__atomic_exchange_n(&bytes[1], uint8_t{1}, __ATOMIC_ACQUIRE)) {
      if (__atomic_load_n(&bytes[0], __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&bytes[1], uint8_t{0}, __ATOMIC_RELEASE);
        return 0;
      }
      return 1;
    }
    if (threads_running()) uk_yield();
  }
}
void __cxa_guard_release(uint64_t* guard) {
  auto* bytes = reinterpret_cast<uint8_t*>(guard);
  __atomic_store_n(&bytes[0], uint8_t{1}, __ATOMIC_RELEASE);
  __atomic_store_n(&bytes[1], uint8_t{0}, __ATOMIC_RELEASE);
}
void __cxa_guard_abort(uint64_t* guard) {
  __atomic_store_n(&reinterpret_cast<uint8_t*>(guard)[1], uint8_t{0}, __ATOMIC_RELEASE);
}
void __cxa_pure_virtual() { uk_panic("pure virtual function called"); }
}

// new/delete: no exceptions, so running out of memory is a panic rather than std::bad_alloc.
namespace {
void* allocate_or_panic(size_t n, size_t align) {
  void* p = align > 16 ? aligned_alloc(align, (n + align - 1) / align * align) : malloc(n ? n : 1);
  if (!p) uk_panic("operator new: out of memory (%zu bytes)", n);
  return p;
}
}  // namespace

namespace std {
enum class align_val_t : size_t {};
}

void* operator new(size_t n) { return allocate_or_panic(n, 16); }
void* operator new[](size_t n) { return allocate_or_panic(n, 16); }
void* operator new(size_t n, std::align_val_t a) { return allocate_or_panic(n, size_t(a)); }
void* operator new[](size_t n, std::align_val_t a) { return allocate_or_panic(n, size_t(a)); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
void operator delete[](void* p, size_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { free(p); }

extern "C" int uk_scheduler_running(void) { return threads_running(); }
