// IEEE 754 semantics of the F and D extensions, used by the instruction table's bodies.
// Arithmetic runs on the host FPU under the instruction's rounding mode and reads the host's
// exception flags; everything where x86 and RISC-V differ (NaN results, min/max, comparisons,
// float-to-integer conversion, round-to-nearest-max-magnitude) is computed explicitly here.
#pragma once

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace unitag::fp {

// fflags bits (unprivileged spec, "Floating-Point Control and Status Register").
inline constexpr uint32_t kNX = 1, kUF = 2, kOF = 4, kDZ = 8, kNV = 16;
// Rounding modes as encoded in the rm field and in frm; kDyn selects frm.
inline constexpr unsigned kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4, kDyn = 7;

template <typename T>
using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;

template <typename T>
struct Layout {
  static constexpr unsigned kMantBits = std::numeric_limits<T>::digits - 1;
  static constexpr Bits<T> kSign = Bits<T>{1} << (sizeof(T) * 8 - 1);
  static constexpr Bits<T> kExp = (kSign - 1) & ~((Bits<T>{1} << kMantBits) - 1);
  static constexpr Bits<T> kMant = (Bits<T>{1} << kMantBits) - 1;
  static constexpr Bits<T> kQuiet = Bits<T>{1} << (kMantBits - 1);
  static constexpr Bits<T> kCanonicalNaN = kExp | kQuiet;
};

template <typename T>
constexpr Bits<T> bits(T v) {
  return std::bit_cast<Bits<T>>(v);
}
template <typename T>
constexpr T from_bits(Bits<T> b) {
  return std::bit_cast<T>(b);
}

template <typename T>
constexpr bool is_nan(T v) {
  return (bits(v) & ~Layout<T>::kSign) > Layout<T>::kExp;
}
template <typename T>
constexpr bool is_snan(T v) {
  return is_nan(v) && !(bits(v) & Layout<T>::kQuiet);
}
template <typename T>
constexpr T canonical_nan() {
  return from_bits<T>(Layout<T>::kCanonicalNaN);
}

// NaN-boxing: a single in a 64-bit register has its upper 32 bits all ones; anything else
// reads as the canonical NaN (transfers such as flw/fsw/fmv move raw bits and skip this).
constexpr uint64_t box(float v) { return 0xffffffff00000000ull | std::bit_cast<uint32_t>(v); }
constexpr uint64_t box_bits(uint32_t b) { return 0xffffffff00000000ull | b; }
constexpr float unbox(uint64_t r) {
  return (r >> 32) == 0xffffffffu ? std::bit_cast<float>(static_cast<uint32_t>(r))
                                  : canonical_nan<float>();
}
constexpr double as_double(uint64_t r) { return std::bit_cast<double>(r); }
constexpr uint64_t reg(double v) { return std::bit_cast<uint64_t>(v); }

// --- host floating-point environment --------------------------------------------------------
// Exception flags are lazy: an operation on the host FPU leaves its flags in the host's sticky
// flags (MXCSR), and the guest's fflags is `fflags | guest_flags(host flags)`. The execute loop
// folds the host flags into fflags when it returns and before any CSR access, clears them on
// entry and after calls into code that is not the machine's own (hooks, ebreak handlers), so
// the common round-to-nearest path costs nothing beyond the operation itself (reading MXCSR
// after every operation measured 60% slower on a float Mandelbrot).
#if defined(__x86_64__)
inline constexpr uint32_t kHostFlagMask = 0x3f, kHostRoundMask = 0x6000;
// The "memory" clobbers order these against the FP register file (Hart::f) in memory.
inline uint32_t host_csr() {
  uint32_t c;
  asm volatile("stmxcsr %0" : "=m"(c) : : "memory");
  return c;
}
inline void set_host_csr(uint32_t c) { asm volatile("ldmxcsr %0" : : "m"(c) : "memory"); }
// MXCSR: IE=0x01 DE=0x02 ZE=0x04 OE=0x08 UE=0x10 PE=0x20 (DE has no RISC-V counterpart).
inline uint32_t guest_flags(uint32_t csr) {
  return ((csr & 0x01) << 4) | ((csr & 0x04) << 1) | ((csr & 0x08) >> 1) | ((csr & 0x10) >> 3) |
         ((csr & 0x20) >> 5);
}
// RTZ, RDN, RUP as MXCSR rounding-control bits.
inline uint32_t host_round_bits(unsigned rm) {
  return rm == kRtz ? 0x6000u : rm == kRdn ? 0x2000u : 0x4000u;
}
// Pins `v` to this point of the instruction stream (FP arithmetic is not otherwise ordered
// against the asm that switches rounding modes or reads flags).
template <typename T>
inline void pin(T& v) {
  if constexpr (std::is_floating_point_v<T>)
    asm volatile("" : "+x"(v));
  else
    asm volatile("" : "+r"(v));
}
// MXCSR after the operation that produced `r`.
template <typename T>
inline uint32_t host_csr_after(T& r) {
  uint32_t c;
  asm volatile("stmxcsr %1" : "+x"(r), "=m"(c));
  return c;
}
#else
#error "unitag's FP unit needs an x86-64 host (MXCSR); port host_csr/set_host_csr first"
#endif

// Clears the host's sticky flags and selects round-to-nearest-even with all exceptions masked
// and no flush-to-zero or denormals-are-zero.
inline void reset_host_env() {
  set_host_csr((host_csr() & ~(0x8040u | kHostRoundMask | kHostFlagMask)) | 0x1f80u);
}
// Moves the pending host flags into `fflags` (they stay set on the host: flags are sticky).
inline void fold_host_flags(uint32_t& fflags) { fflags |= guest_flags(host_csr()); }

// --- round to nearest, ties to max magnitude ---------------------------------------------------
// x86 has no such mode. The operation is evaluated in x87 extended precision (64-bit
// significand, wide exponent) rounded to odd, which keeps enough information to round the
// result correctly to a 24- or 53-bit significand afterwards (fp.cpp).
struct WideEnv {
  std::fenv_t saved;
};
// Saves the host environment, selects round-toward-zero and clears the host flags.
void enter_wide(WideEnv& env);
// Turns the extended result of an operation into T rounded to nearest, ties away from zero:
// adds NV/DZ raised by the operation and NX/UF/OF of the final rounding to `flags`, and
// restores the host environment.
float leave_wide_rmm_float(WideEnv& env, long double w, uint32_t& flags);
double leave_wide_rmm_double(WideEnv& env, long double w, uint32_t& flags);

template <typename T>
inline void pin_wide(T& v) {
  asm volatile("" : "+m"(v) : : "memory");
}

template <typename T, typename Op, typename... A>
[[gnu::noinline, gnu::cold]] T compute_rmm(uint32_t& flags, Op op, A... args) {
  WideEnv env;
  enter_wide(env);
  auto widen = [](auto a) {
    long double w = static_cast<long double>(a);
    pin_wide(w);
    return w;
  };
  long double w = op(widen(args)...);
  pin_wide(w);
  if constexpr (sizeof(T) == 4)
    return leave_wide_rmm_float(env, w, flags);
  else
    return leave_wide_rmm_double(env, w, flags);
}

// The result of op(args) rounded to T under rounding mode rm (kRne..kRmm), NaN results
// canonical, exception flags left pending on the host or added to `flags`. `op` is a generic lambda
// so the RMM path can evaluate it in a wider type.
template <typename T, typename Op, typename... A>
inline T compute(unsigned rm, uint32_t& flags, Op op, A... args) {
  T r;
  if (rm == kRne) [[likely]] {
    r = static_cast<T>(op(args...));  // flags stay pending on the host
  } else if (rm != kRmm) {
    const uint32_t saved = host_csr();
    set_host_csr(saved | host_round_bits(rm));
    (pin(args), ...);
    r = static_cast<T>(op(args...));
    set_host_csr(host_csr_after(r) & ~kHostRoundMask);  // back to RNE, keeping the flags
  } else {
    r = compute_rmm<T>(flags, op, args...);
  }
  if (is_nan(r)) [[unlikely]]
    r = canonical_nan<T>();
  return r;
}

// --- operations for compute() ------------------------------------------------------------------
inline constexpr auto add = [](auto a, auto b) { return a + b; };
inline constexpr auto sub = [](auto a, auto b) { return a - b; };
inline constexpr auto mul = [](auto a, auto b) { return a * b; };
inline constexpr auto div = [](auto a, auto b) { return a / b; };
inline constexpr auto sqrt = [](auto a) { return std::sqrt(a); };
inline constexpr auto convert = [](auto a) { return a; };  // compute<T> does the rounding
// a*b+c with one rounding.
inline constexpr auto fused = [](auto a, auto b, auto c) { return std::fma(a, b, c); };

// Fused multiply-add family. RISC-V requires NV for inf*0 even when the addend is a quiet NaN
// (x86 does not raise it then), so that case is checked here.
template <typename T>
inline T fma(unsigned rm, uint32_t& flags, T a, T b, T c, bool negate_product, bool negate_addend) {
  const auto ab = bits(a) & ~Layout<T>::kSign, bb = bits(b) & ~Layout<T>::kSign;
  if (((ab == Layout<T>::kExp && bb == 0) || (ab == 0 && bb == Layout<T>::kExp)) && is_nan(c))
    flags |= kNV;
  if (negate_product) a = from_bits<T>(bits(a) ^ Layout<T>::kSign);
  if (negate_addend) c = from_bits<T>(bits(c) ^ Layout<T>::kSign);
  return compute<T>(rm, flags, fused, a, b, c);
}

// --- operations computed explicitly ----------------------------------------------------------
enum class SignOp { kCopy, kNegate, kXor };
template <typename T>
constexpr T sign_inject(T a, T b, SignOp op) {
  const Bits<T> s = Layout<T>::kSign;
  const Bits<T> sb = op == SignOp::kCopy     ? bits(b) & s
                     : op == SignOp::kNegate ? ~bits(b) & s
                                             : (bits(a) ^ bits(b)) & s;
  return from_bits<T>((bits(a) & ~s) | sb);
}

// Value order of two non-NaN numbers, with -0 below +0 (fmin/fmax of spec 2.2 and later).
template <typename T>
constexpr bool less_signed_zero(T a, T b) {
  if (a == b) return (bits(a) & Layout<T>::kSign) && !(bits(b) & Layout<T>::kSign);
  return a < b;
}

// fmin/fmax: a single NaN operand yields the other; two NaNs yield the canonical NaN; a
// signaling NaN raises NV.
template <typename T>
constexpr T min_max(T a, T b, bool want_max, uint32_t& flags) {
  if (is_snan(a) || is_snan(b)) flags |= kNV;
  const bool na = is_nan(a), nb = is_nan(b);
  if (na && nb) return canonical_nan<T>();
  if (na) return b;
  if (nb) return a;
  return less_signed_zero(a, b) != want_max ? a : b;
}

enum class Compare { kEq, kLt, kLe };
// feq is a quiet comparison (NV only for signaling NaNs); flt/fle signal on any NaN.
template <typename T>
constexpr uint64_t compare(T a, T b, Compare op, uint32_t& flags) {
  if (is_nan(a) || is_nan(b)) {
    if (op != Compare::kEq || is_snan(a) || is_snan(b)) flags |= kNV;
    return 0;
  }
  switch (op) {
    case Compare::kEq:
      return a == b;
    case Compare::kLt:
      return a < b;
    case Compare::kLe:
      return a <= b;
  }
  return 0;
}

// fclass: one-hot class mask (bit 0 = -inf ... bit 9 = quiet NaN).
template <typename T>
constexpr uint64_t classify(T v) {
  const Bits<T> b = bits(v);
  const bool neg = b & Layout<T>::kSign;
  const Bits<T> e = b & Layout<T>::kExp, m = b & Layout<T>::kMant;
  if (e == Layout<T>::kExp) {
    if (m == 0) return neg ? 1u << 0 : 1u << 7;
    return (m & Layout<T>::kQuiet) ? 1u << 9 : 1u << 8;
  }
  if (e == 0) {
    if (m == 0) return neg ? 1u << 3 : 1u << 4;
    return neg ? 1u << 2 : 1u << 5;
  }
  return neg ? 1u << 1 : 1u << 6;
}

// fcvt.{w,wu,l,lu}.{s,d}: rounds by rm, saturates out-of-range values and NaN (NaN and +inf give
// the largest value), raises NV for those and NX for inexact in-range results. Returns the
// register value (32-bit results sign-extended, as the spec requires even for wu).
template <typename I, typename T>
uint64_t to_int(T value, unsigned rm, uint32_t& flags) {
  constexpr I kMin = std::numeric_limits<I>::min(), kMax = std::numeric_limits<I>::max();
  auto reg_value = [](I v) -> uint64_t {
    if constexpr (sizeof(I) == 4)
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
    else
      return static_cast<uint64_t>(v);
  };
  if (is_nan(value)) {
    flags |= kNV;
    return reg_value(kMax);
  }
  const uint64_t b = bits(static_cast<double>(value));  // exact widening of a non-NaN
  const bool neg = b >> 63;
  const int exp = static_cast<int>((b >> 52) & 0x7ff);
  const uint64_t frac = b & ((1ull << 52) - 1);
  unsigned __int128 mag = 0;  // integer part of |value|
  int half_cmp = 0;           // fraction compared with one half: -1, 0, +1
  bool inexact = false;
  bool huge = exp == 0x7ff;  // infinity, or too large for any 64-bit result
  if (!huge && (exp != 0 || frac != 0)) {
    const uint64_t m = exp ? frac | (1ull << 52) : frac;
    const int e = (exp ? exp : 1) - 1075;  // value = m * 2^e
    if (e >= 0) {
      if (e > 12)
        huge = true;  // >= 2^65
      else
        mag = static_cast<unsigned __int128>(m) << e;
    } else if (-e >= 64) {
      inexact = true;  // m < 2^53 <= 2^(-e-1): below one half
      half_cmp = -1;
    } else {
      const int s = -e;
      mag = m >> s;
      const uint64_t rem = m & ((1ull << s) - 1), half = 1ull << (s - 1);
      inexact = rem != 0;
      half_cmp = rem < half ? -1 : rem > half ? 1 : 0;
    }
  }
  if (!huge && inexact) {
    bool up = false;
    switch (rm) {
      case kRne:
        up = half_cmp > 0 || (half_cmp == 0 && (mag & 1));
        break;
      case kRtz:
        break;
      case kRdn:
        up = neg;
        break;
      case kRup:
        up = !neg;
        break;
      case kRmm:
        up = half_cmp >= 0;
        break;
    }
    mag += up;
  }
  bool in_range;
  if (huge)
    in_range = false;
  else if (neg)
    in_range = std::is_signed_v<I> ? mag <= static_cast<unsigned __int128>(kMax) + 1 : mag == 0;
  else
    in_range = mag <= static_cast<unsigned __int128>(kMax);
  if (!in_range) {
    flags |= kNV;
    return reg_value(neg ? kMin : kMax);
  }
  if (inexact) flags |= kNX;
  const I r = neg ? static_cast<I>(0 - static_cast<uint64_t>(mag))
                  : static_cast<I>(static_cast<uint64_t>(mag));
  return reg_value(r);
}

}  // namespace unitag::fp
