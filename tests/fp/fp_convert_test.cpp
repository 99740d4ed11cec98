// F/D conversions on a real Hart: float-to-integer rounding and saturation, integer-to-float
// rounding, between formats, and the raw moves.
#include <gtest/gtest.h>

#include <limits>

#include "fp_harness.h"

namespace unitag::fptest {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct ToIntCase {
  double value;
  IntKind kind;
  unsigned rm;
  uint64_t expect;
  uint32_t flags;
};

void check_to_int(const ToIntCase& c, Fmt fmt) {
  FpHart t;
  if (fmt == S)
    t.set_s(1, static_cast<float>(c.value));
  else
    t.set_d(1, c.value);
  t.hart.x[10] = 0x5555;
  EXPECT_EQ(t.flags_of(op_fp(kCvtToInt, fmt, 10, 1, c.kind, c.rm)), c.flags)
      << c.value << " kind " << c.kind << " rm " << c.rm;
  EXPECT_EQ(t.hart.x[10], c.expect) << c.value << " kind " << c.kind << " rm " << c.rm;
}

TEST(FpConvert, DoubleToIntRoundsPerMode) {
  const ToIntCase cases[] = {
      {2.5, W, kRne, 2, NX},
      {2.5, W, kRtz, 2, NX},
      {2.5, W, kRdn, 2, NX},
      {2.5, W, kRup, 3, NX},
      {2.5, W, kRmm, 3, NX},
      {-2.5, W, kRne, uint64_t(-2), NX},
      {-2.5, W, kRtz, uint64_t(-2), NX},
      {-2.5, W, kRdn, uint64_t(-3), NX},
      {-2.5, W, kRup, uint64_t(-2), NX},
      {-2.5, W, kRmm, uint64_t(-3), NX},
      {3.5, L, kRne, 4, NX},
      {0.5, L, kRne, 0, NX},
      {0.5, L, kRmm, 1, NX},
      {1e-300, L, kRup, 1, NX},
      {-1e-300, L, kRup, 0, NX},
      {-1e-300, L, kRdn, uint64_t(-1), NX},
      {7.0, LU, kRne, 7, 0},
      {-0.0, WU, kRne, 0, 0},
  };
  for (const ToIntCase& c : cases) check_to_int(c, D);
}

TEST(FpConvert, DoubleToIntSaturates) {
  const uint64_t kIntMin = 0xffffffff80000000, kIntMax = 0x7fffffff;
  const ToIntCase cases[] = {
      {std::nan(""), W, kRne, kIntMax, NV},
      {kInf, W, kRne, kIntMax, NV},
      {-kInf, W, kRne, kIntMin, NV},
      {3e9, W, kRne, kIntMax, NV},
      {-3e9, W, kRne, kIntMin, NV},
      {2147483647.5, W, kRne, kIntMax, NV},  // rounds to 2^31: out of range
      {2147483647.5, W, kRtz, kIntMax, NX},  // truncates into range
      {-2147483648.9, W, kRtz, kIntMin, NX},
      {-2147483648.9, W, kRdn, kIntMin, NV},
      {3e9, WU, kRne, 0xffffffffb2d05e00, 0},  // 32-bit results are sign-extended
      {-1.0, WU, kRne, 0, NV},
      {-0.5, WU, kRtz, 0, NX},  // rounds to -0: in range
      {-0.5, WU, kRdn, 0, NV},  // rounds to -1
      {std::nan(""), WU, kRne, 0xffffffffffffffff, NV},
      {9.3e18, L, kRne, 0x7fffffffffffffff, NV},
      {-9223372036854775808.0, L, kRne, 0x8000000000000000, 0},
      {std::nan(""), LU, kRne, 0xffffffffffffffff, NV},
      {18446744073709549568.0, LU, kRne, 0xfffffffffffff800, 0},
      {18446744073709551616.0, LU, kRne, 0xffffffffffffffff, NV},
      {-kInf, LU, kRne, 0, NV},
  };
  for (const ToIntCase& c : cases) check_to_int(c, D);
}

TEST(FpConvert, SingleToInt) {
  const ToIntCase cases[] = {
      {1.5, W, kRne, 2, NX},
      {-1.5, L, kRtz, uint64_t(-1), NX},
      {16777216.0, WU, kRne, 16777216, 0},
      {std::nan(""), L, kRne, 0x7fffffffffffffff, NV},
      {-kInf, W, kRne, 0xffffffff80000000, NV},
      {4294967296.0, WU, kRne, 0xffffffffffffffff, NV},
  };
  for (const ToIntCase& c : cases) check_to_int(c, S);
  // A signaling NaN single converts like any NaN.
  FpHart t;
  t.set_s_bits(1, 0xff800001);
  EXPECT_EQ(t.flags_of(op_fp(kCvtToInt, S, 10, 1, W, kRne)), NV);
  EXPECT_EQ(t.hart.x[10], 0x7fffffffu);
}

TEST(FpConvert, IntToFloatRoundsPerMode) {
  // 2^24 + 1 is not a single: a tie between 2^24 and 2^24 + 2.
  const uint32_t expect[] = {0x4b800000, 0x4b800000, 0x4b800000, 0x4b800001, 0x4b800001};
  for (unsigned rm = 0; rm <= 4; ++rm) {
    FpHart t;
    t.hart.x[5] = 16777217;
    EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, S, 1, 5, W, rm)), NX);
    EXPECT_EQ(t.s_bits(1), expect[rm]) << "rm " << rm;
    EXPECT_TRUE(t.boxed(1));
  }
  FpHart t;
  t.hart.x[5] = ~uint64_t{0};
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, S, 1, 5, LU, kRne)), NX);
  EXPECT_EQ(t.s_bits(1), 0x5f800000u);  // 2^64
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, S, 1, 5, LU, kRtz)), NX);
  EXPECT_EQ(t.s_bits(1), 0x5f7fffffu);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, L, kRne)), 0u);  // -1 exactly
  EXPECT_EQ(t.d_bits(1), dbits(-1.0));
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, WU, kRne)), 0u);  // low 32 bits, unsigned
  EXPECT_EQ(t.d_bits(1), dbits(4294967295.0));
  t.hart.x[5] = 0x7fffffffffffffff;
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, L, kRne)), NX);
  EXPECT_EQ(t.d_bits(1), dbits(9223372036854775808.0));
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, L, kRmm)), NX);
  EXPECT_EQ(t.d_bits(1), dbits(9223372036854775808.0));
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, L, kRdn)), NX);
  EXPECT_EQ(t.d_bits(1), 0x43dfffffffffffffu);
  t.hart.x[5] = 0xffffffff80000000;  // w reads the low 32 bits as signed: -2^31
  EXPECT_EQ(t.flags_of(op_fp(kCvtFromInt, D, 1, 5, W, kRne)), 0u);
  EXPECT_EQ(t.d_bits(1), dbits(-2147483648.0));
}

TEST(FpConvert, BetweenFormats) {
  FpHart t;
  // 1 + 2^-24 is a tie in single precision.
  t.set_d(1, 1.0 + std::ldexp(1.0, -24));
  const uint32_t expect[] = {0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001};
  for (unsigned rm = 0; rm <= 4; ++rm) {
    EXPECT_EQ(t.flags_of(op_fp(kCvtFF, S, 2, 1, 1, rm)), NX);  // fcvt.s.d
    EXPECT_EQ(t.s_bits(2), expect[rm]) << "rm " << rm;
  }
  t.set_d(1, 1e300);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, S, 2, 1, 1, kRne)), OF | NX);
  EXPECT_EQ(t.s_bits(2), 0x7f800000u);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, S, 2, 1, 1, kRtz)), OF | NX);
  EXPECT_EQ(t.s_bits(2), 0x7f7fffffu);
  t.set_d(1, 1e-300);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, S, 2, 1, 1, kRne)), UF | NX);
  EXPECT_EQ(t.s_bits(2), 0u);
  t.hart.f[1] = 0x7ff0000000000001;  // signaling NaN
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, S, 2, 1, 1, kRne)), NV);
  EXPECT_EQ(t.s_bits(2), 0x7fc00000u);
  // Widening is exact; NaNs become canonical.
  t.set_s(3, 0.1f);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, D, 4, 3, 0, kRne)), 0u);
  EXPECT_EQ(t.d_bits(4), dbits(static_cast<double>(0.1f)));
  t.set_s_bits(3, 0xffc00123);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, D, 4, 3, 0, kRne)), 0u);
  EXPECT_EQ(t.d_bits(4), 0x7ff8000000000000u);
}

TEST(FpConvert, MovesAreRawBits) {
  FpHart t;
  t.hart.x[5] = 0x12345678bf800000;
  ASSERT_TRUE(t.exec(op_fp(kMvFromX, S, 1, 5, 0, 0)));  // fmv.w.x boxes the low 32 bits
  EXPECT_EQ(t.hart.f[1], 0xffffffffbf800000u);
  ASSERT_TRUE(t.exec(op_fp(kMvToX, S, 6, 1, 0, 0)));  // fmv.x.w sign-extends
  EXPECT_EQ(t.hart.x[6], 0xffffffffbf800000u);
  t.hart.x[5] = 0x7ff0000000000001;  // a signaling NaN passes untouched, no flags
  t.hart.fflags = 0;
  ASSERT_TRUE(t.exec(op_fp(kMvFromX, D, 2, 5, 0, 0)));
  ASSERT_TRUE(t.exec(op_fp(kMvToX, D, 7, 2, 0, 0)));
  EXPECT_EQ(t.hart.x[7], 0x7ff0000000000001u);
  EXPECT_EQ(t.hart.fflags, 0u);
}

}  // namespace
}  // namespace unitag::fptest
