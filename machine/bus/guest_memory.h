// How host code reads and writes guest RAM that other harts' threads may touch at the same time.
// A guest's own races (a spinlock released by a plain store while another hart's AMO tries it;
// code one hart writes while another fetches) are allowed by RISC-V's memory model, but plain
// host accesses to the same bytes from two threads are a data race in C++. Built normally these
// are plain copies (what the hardware does: x86-64 moves are atomic when aligned); under
// ThreadSanitizer (make test-tsan) they are relaxed atomics, so TSan reports only the host's
// own races and not the guest's (docs/machine.md#threads).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace unitag::guest_memory {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kRelaxedAtomics = true;
#else
inline constexpr bool kRelaxedAtomics = false;
#endif

// Copies `size` bytes from guest RAM at `from`.
inline void read(void* to, const uint8_t* from, size_t size) {
  if constexpr (kRelaxedAtomics) {
    auto* out = static_cast<uint8_t*>(to);
    for (size_t i = 0; i < size; ++i)
      out[i] =
          std::atomic_ref<uint8_t>(*const_cast<uint8_t*>(from + i)).load(std::memory_order_relaxed);
  } else {
    std::memcpy(to, from, size);
  }
}

// Copies `size` bytes into guest RAM at `to`.
inline void write(uint8_t* to, const void* from, size_t size) {
  if constexpr (kRelaxedAtomics) {
    const auto* in = static_cast<const uint8_t*>(from);
    for (size_t i = 0; i < size; ++i)
      std::atomic_ref<uint8_t>(to[i]).store(in[i], std::memory_order_relaxed);
  } else {
    std::memcpy(to, from, size);
  }
}

// One access of a guest load or store instruction: whole when aligned (as the hardware does it).
template <typename T>
inline T load(const uint8_t* from) {
  T v;
  if constexpr (kRelaxedAtomics) {
    if (reinterpret_cast<uintptr_t>(from) % sizeof(T) == 0)
      return std::atomic_ref<T>(*reinterpret_cast<T*>(const_cast<uint8_t*>(from)))
          .load(std::memory_order_relaxed);
  }
  read(&v, from, sizeof(T));
  return v;
}

template <typename T>
inline void store(uint8_t* to, T v) {
  if constexpr (kRelaxedAtomics) {
    if (reinterpret_cast<uintptr_t>(to) % sizeof(T) == 0) {
      std::atomic_ref<T>(*reinterpret_cast<T*>(to)).store(v, std::memory_order_relaxed);
      return;
    }
  }
  write(to, &v, sizeof(T));
}

}  // namespace unitag::guest_memory
