// Round-to-nearest-max-magnitude (RMM) for the F and D extensions: the one RISC-V rounding mode
// the host FPU lacks. See fp.h for the approach.
#include "machine/isa/fp.h"

#include <cstring>

namespace unitag::fp {
namespace {

// Sets the least significant bit of an x87 extended value's significand.
long double set_sticky(long double w) {
  uint64_t significand;
  std::memcpy(&significand, &w, sizeof significand);  // bytes 0..7 of the 80-bit format
  significand |= 1;
  std::memcpy(&w, &significand, sizeof significand);
  return w;
}

// Magnitude successor of a finite T (the largest finite value steps to infinity).
template <typename T>
T next_away(T v) {
  return from_bits<T>(bits(v) + 1);
}

// `w` is the exact result rounded to odd in a format with more than p+2 significand bits and
// a wider exponent range than T, so comparing it with the midpoint between T's neighbours is
// the same as comparing the exact result. The host is in round-toward-zero mode here.
template <typename T>
T round_rmm(long double w, bool inexact, uint32_t& flags) {
  if (std::isnan(w)) return canonical_nan<T>();
  if (std::isinf(w) || w == 0) return static_cast<T>(w);  // exact: inf from inf operands or DZ
  const T toward_zero = static_cast<T>(w);                // RTZ conversion; max finite on overflow
  if (!inexact && static_cast<long double>(toward_zero) == w) return toward_zero;
  const long double lo = toward_zero;
  const T away = next_away(toward_zero);
  const long double gap = std::isinf(away)
                              ? lo - static_cast<long double>(from_bits<T>(bits(toward_zero) - 1))
                              : static_cast<long double>(away) - lo;
  const long double midpoint = lo + gap / 2;  // exact: one bit below T's last place
  const T result = std::fabs(w) >= std::fabs(midpoint) ? away : toward_zero;
  flags |= kNX;
  if (std::isinf(result)) flags |= kOF;
  // Tininess after rounding: below the midpoint between min-normal and its predecessor.
  const long double min_normal = std::numeric_limits<T>::min();
  const long double tiny_below =
      min_normal - std::ldexp(min_normal, -(std::numeric_limits<T>::digits + 1));
  if (std::fabs(w) < tiny_below) flags |= kUF;
  return result;
}

template <typename T>
T leave_wide_rmm(WideEnv& env, long double w, uint32_t& flags) {
  const int raised = std::fetestexcept(FE_ALL_EXCEPT);
  if (raised & FE_INVALID) flags |= kNV;
  if (raised & FE_DIVBYZERO) flags |= kDZ;
  const bool inexact = raised & FE_INEXACT;
  if (inexact && std::isfinite(w)) w = set_sticky(w);
  const T r = round_rmm<T>(w, inexact, flags);
  std::fesetenv(&env.saved);
  return r;
}

}  // namespace

void enter_wide(WideEnv& env) {
  std::fegetenv(&env.saved);
  std::fesetround(FE_TOWARDZERO);
  std::feclearexcept(FE_ALL_EXCEPT);
}

float leave_wide_rmm_float(WideEnv& env, long double w, uint32_t& flags) {
  return leave_wide_rmm<float>(env, w, flags);
}
double leave_wide_rmm_double(WideEnv& env, long double w, uint32_t& flags) {
  return leave_wide_rmm<double>(env, w, flags);
}

}  // namespace unitag::fp
