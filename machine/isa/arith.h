// Integer helpers with RISC-V semantics, used by the instruction table's bodies.
// Division follows the unprivileged spec's table 7.1: no traps, defined results.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace unitag {

constexpr int64_t i64(uint64_t v) { return static_cast<int64_t>(v); }
constexpr uint64_t u64(int64_t v) { return static_cast<uint64_t>(v); }
constexpr int32_t i32(uint64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
constexpr uint32_t u32(uint64_t v) { return static_cast<uint32_t>(v); }
constexpr uint64_t sext32(uint32_t v) { return u64(static_cast<int32_t>(v)); }

template <typename S>
constexpr S sdiv(S a, S b) {
  if (b == 0) return S(-1);
  if (a == std::numeric_limits<S>::min() && b == S(-1)) return a;
  return a / b;
}
template <typename S>
constexpr S srem(S a, S b) {
  if (b == 0) return a;
  if (a == std::numeric_limits<S>::min() && b == S(-1)) return 0;
  return a % b;
}
template <typename U>
constexpr U udiv(U a, U b) {
  return b == 0 ? std::numeric_limits<U>::max() : a / b;
}
template <typename U>
constexpr U urem(U a, U b) {
  return b == 0 ? a : a % b;
}

constexpr uint64_t mulhu(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}
constexpr uint64_t mulh(int64_t a, int64_t b) {
  return static_cast<uint64_t>((static_cast<__int128>(a) * b) >> 64);
}
constexpr uint64_t mulhsu(int64_t a, uint64_t b) {
  return static_cast<uint64_t>((static_cast<__int128>(a) * static_cast<__int128>(b)) >> 64);
}

}  // namespace unitag
