// F/D arithmetic on a real Hart: rounding modes, exception flags, NaNs, signed zeros,
// subnormals, overflow and fused multiply-add.
#include <gtest/gtest.h>

#include <limits>

#include "fp_harness.h"

namespace unitag::fptest {
namespace {

constexpr float kFltMax = std::numeric_limits<float>::max();
constexpr float kFltMinNormal = std::numeric_limits<float>::min();
constexpr float kFltMinSub = std::numeric_limits<float>::denorm_min();
constexpr double kDblMax = std::numeric_limits<double>::max();

struct RoundCase {
  unsigned rm;
  uint32_t expect;
};

// 1 + 2^-24 is exactly half an ulp above 1.0f: a tie that each mode resolves its own way.
TEST(FpRounding, AddTieInEveryStaticMode) {
  const RoundCase cases[] = {{kRne, 0x3f800000},
                             {kRtz, 0x3f800000},
                             {kRdn, 0x3f800000},
                             {kRup, 0x3f800001},
                             {kRmm, 0x3f800001}};
  for (const RoundCase& c : cases) {
    FpHart t;
    t.set_s(1, 1.0f);
    t.set_s(2, std::ldexp(1.0f, -24));
    EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, c.rm)), NX) << "rm " << c.rm;
    EXPECT_TRUE(t.boxed(3));
    EXPECT_EQ(t.s_bits(3), c.expect) << "rm " << c.rm;
  }
}

TEST(FpRounding, NegativeTieInEveryStaticMode) {
  const RoundCase cases[] = {{kRne, 0xbf800000},
                             {kRtz, 0xbf800000},
                             {kRdn, 0xbf800001},
                             {kRup, 0xbf800000},
                             {kRmm, 0xbf800001}};
  for (const RoundCase& c : cases) {
    FpHart t;
    t.set_s(1, -1.0f);
    t.set_s(2, -std::ldexp(1.0f, -24));
    EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, c.rm)), NX) << "rm " << c.rm;
    EXPECT_EQ(t.s_bits(3), c.expect) << "rm " << c.rm;
  }
}

TEST(FpRounding, DynamicModeReadsFrm) {
  // Double: 1 + 2^-53 is the tie; results for RNE RTZ RDN RUP RMM.
  const uint64_t expect[] = {0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000,
                             0x3ff0000000000001, 0x3ff0000000000001};
  for (unsigned rm = 0; rm <= 4; ++rm) {
    FpHart t;
    t.hart.frm = rm;
    t.set_d(1, 1.0);
    t.set_d(2, std::ldexp(1.0, -53));
    EXPECT_EQ(t.flags_of(op_fp(kAdd, D, 3, 1, 2, kDyn)), NX);
    EXPECT_EQ(t.d_bits(3), expect[rm]) << "frm " << rm;
  }
}

TEST(FpRounding, ReservedRoundingModesAreIllegal) {
  for (unsigned rm : {5u, 6u}) {
    FpHart t;
    EXPECT_FALSE(t.exec(op_fp(kAdd, S, 3, 1, 2, rm)));
    EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  }
  for (unsigned frm : {5u, 6u, 7u}) {
    FpHart t;
    t.hart.frm = frm;
    t.set_d(1, 1.0);
    EXPECT_FALSE(t.exec(op_fp(kMul, D, 3, 1, 1, kDyn))) << "frm " << frm;
    EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
    EXPECT_FALSE(t.exec(op_fp(kCvtToInt, D, 5, 1, W, kDyn)));  // conversions too
  }
}

TEST(FpRounding, DivisionAndSqrtRoundPerMode) {
  // 1/3 in single: RNE and RUP round up (0x3eaaaaab), RTZ and RDN truncate (0x3eaaaaaa).
  const uint32_t third[] = {0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab};
  // sqrt(2) in double: 0x3ff6a09e667f3bcc is below the true value, which is below the midpoint.
  const uint64_t root2[] = {0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc,
                            0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd};
  for (unsigned rm = 0; rm <= 4; ++rm) {
    FpHart t;
    t.set_s(1, 1.0f);
    t.set_s(2, 3.0f);
    EXPECT_EQ(t.flags_of(op_fp(kDiv, S, 3, 1, 2, rm)), NX);
    EXPECT_EQ(t.s_bits(3), third[rm]) << "rm " << rm;
    t.set_d(4, 2.0);
    EXPECT_EQ(t.flags_of(op_fp(kSqrt, D, 5, 4, 0, rm)), NX);
    EXPECT_EQ(t.d_bits(5), root2[rm]) << "rm " << rm;
  }
}

TEST(FpFlags, ExactResultsRaiseNothing) {
  FpHart t;
  t.set_d(1, 1.5);
  t.set_d(2, 0.25);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, D, 3, 1, 2, kRne)), 0u);
  EXPECT_EQ(t.d_bits(3), dbits(1.75));
  // Subnormal operands and an exact subnormal result: no flags (x86's denormal flag is not one).
  t.set_s(1, kFltMinSub);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 1, kRne)), 0u);
  EXPECT_EQ(t.s_bits(3), 2u);
  t.set_s(1, kFltMinNormal);
  t.set_s(2, 0.5f);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRne)), 0u);
  EXPECT_EQ(t.s_bits(3), 0x00400000u);
}

TEST(FpFlags, DivideByZeroAndInvalid) {
  FpHart t;
  t.set_s(1, 1.0f);
  t.set_s(2, 0.0f);
  EXPECT_EQ(t.flags_of(op_fp(kDiv, S, 3, 1, 2, kRne)), DZ);
  EXPECT_EQ(t.s_bits(3), 0x7f800000u);
  t.set_s(1, -1.0f);
  EXPECT_EQ(t.flags_of(op_fp(kDiv, S, 3, 1, 2, kRmm)), DZ);
  EXPECT_EQ(t.s_bits(3), 0xff800000u);
  t.set_s(1, 0.0f);
  EXPECT_EQ(t.flags_of(op_fp(kDiv, S, 3, 1, 2, kRne)), NV);
  EXPECT_EQ(t.s_bits(3), 0x7fc00000u);
  t.set_d(1, std::numeric_limits<double>::infinity());
  EXPECT_EQ(t.flags_of(op_fp(kSub, D, 3, 1, 1, kRne)), NV);
  EXPECT_EQ(t.d_bits(3), 0x7ff8000000000000u);
  t.set_d(1, -1.0);
  EXPECT_EQ(t.flags_of(op_fp(kSqrt, D, 3, 1, 0, kRne)), NV);
  EXPECT_EQ(t.d_bits(3), 0x7ff8000000000000u);
  t.set_d(1, -0.0);
  EXPECT_EQ(t.flags_of(op_fp(kSqrt, D, 3, 1, 0, kRne)), 0u);
  EXPECT_EQ(t.d_bits(3), 0x8000000000000000u);
}

TEST(FpFlags, OverflowDependsOnRoundingDirection) {
  struct Case {
    unsigned rm;
    float a;
    uint32_t expect;
  };
  const Case cases[] = {{kRne, kFltMax, 0x7f800000},  {kRtz, kFltMax, 0x7f7fffff},
                        {kRdn, kFltMax, 0x7f7fffff},  {kRup, kFltMax, 0x7f800000},
                        {kRmm, kFltMax, 0x7f800000},  {kRne, -kFltMax, 0xff800000},
                        {kRtz, -kFltMax, 0xff7fffff}, {kRdn, -kFltMax, 0xff800000},
                        {kRup, -kFltMax, 0xff7fffff}, {kRmm, -kFltMax, 0xff800000}};
  for (const Case& c : cases) {
    FpHart t;
    t.set_s(1, c.a);
    t.set_s(2, 2.0f);
    EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, c.rm)), OF | NX) << "rm " << c.rm;
    EXPECT_EQ(t.s_bits(3), c.expect) << "rm " << c.rm << " a " << c.a;
  }
  FpHart t;
  t.set_d(1, kDblMax);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, D, 3, 1, 1, kRne)), OF | NX);
  EXPECT_EQ(t.d_bits(3), 0x7ff0000000000000u);
}

// Tininess is detected after rounding: (1 - 2^-23) * (2^-126 (1 + 2^-23)) = 2^-126 (1 - 2^-46)
// rounds to the smallest normal, and with an unbounded exponent it would not be tiny either,
// so there is no underflow. Rounded toward zero it stays subnormal: underflow.
TEST(FpFlags, UnderflowUsesTininessAfterRounding) {
  FpHart t;
  t.set_s_bits(1, 0x3f7ffffe);
  t.set_s_bits(2, 0x00800001);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRne)), NX);
  EXPECT_EQ(t.s_bits(3), 0x00800000u);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRmm)), NX);
  EXPECT_EQ(t.s_bits(3), 0x00800000u);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRtz)), UF | NX);
  EXPECT_EQ(t.s_bits(3), 0x007fffffu);
  // Half the smallest subnormal: a tie between 0 and 2^-149.
  t.set_s(1, kFltMinSub);
  t.set_s(2, 0.5f);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRne)), UF | NX);
  EXPECT_EQ(t.s_bits(3), 0u);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRmm)), UF | NX);
  EXPECT_EQ(t.s_bits(3), 1u);
  t.set_s(1, -kFltMinSub);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRup)), UF | NX);
  EXPECT_EQ(t.s_bits(3), 0x80000000u);  // -0
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRdn)), UF | NX);
  EXPECT_EQ(t.s_bits(3), 0x80000001u);
}

TEST(FpNaN, ResultsAreCanonicalAndSignalingInputsRaiseInvalid) {
  FpHart t;
  t.set_s_bits(1, 0x7fc12345);  // quiet NaN with a payload
  t.set_s(2, 1.0f);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, kRne)), 0u);
  EXPECT_EQ(t.s_bits(3), 0x7fc00000u);
  t.set_s_bits(1, 0xff800001);  // signaling NaN
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRne)), NV);
  EXPECT_EQ(t.s_bits(3), 0x7fc00000u);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 3, 1, 2, kRmm)), NV);
  EXPECT_EQ(t.s_bits(3), 0x7fc00000u);
  t.hart.f[4] = 0xfff0000000000001;  // signaling NaN, double
  t.set_d(5, 2.0);
  EXPECT_EQ(t.flags_of(op_fp(kDiv, D, 6, 5, 4, kRup)), NV);
  EXPECT_EQ(t.d_bits(6), 0x7ff8000000000000u);
  // Sign injection is not arithmetic: it keeps payloads.
  t.set_s_bits(1, 0x7fc12345);
  EXPECT_EQ(t.flags_of(op_fp(kSgnj, S, 3, 1, 2, 1)), 0u);  // fsgnjn
  EXPECT_EQ(t.s_bits(3), 0xffc12345u);
}

TEST(FpNaN, ImproperlyBoxedSinglesReadAsCanonicalNaN) {
  FpHart t;
  t.hart.f[1] = 0x000000003f800000;  // 1.0f without the box
  t.set_s(2, 1.0f);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, kRne)), 0u);
  EXPECT_EQ(t.hart.f[3], 0xffffffff7fc00000u);
  EXPECT_EQ(t.flags_of(op_fp(kSgnj, S, 3, 1, 2, 0)), 0u);  // fsgnj.s: canonical NaN, sign of rs2
  EXPECT_EQ(t.hart.f[3], 0xffffffff7fc00000u);
  EXPECT_EQ(t.flags_of(op_fp(kCvtFF, D, 3, 1, 0, kRne)), 0u);  // fcvt.d.s
  EXPECT_EQ(t.hart.f[3], 0x7ff8000000000000u);
  // fclass.s sees a quiet NaN; fmv.x.w moves the raw low bits.
  ASSERT_TRUE(t.exec(op_fp(kMvToX, S, 10, 1, 0, 1)));
  EXPECT_EQ(t.hart.x[10], 1u << 9);
  ASSERT_TRUE(t.exec(op_fp(kMvToX, S, 10, 1, 0, 0)));
  EXPECT_EQ(t.hart.x[10], 0x3f800000u);
}

TEST(FpSignedZero, SumsAndDifferences) {
  FpHart t;
  t.set_s(1, 0.0f);
  t.set_s(2, -0.0f);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, kRne)), 0u);
  EXPECT_EQ(t.s_bits(3), 0u);
  EXPECT_EQ(t.flags_of(op_fp(kAdd, S, 3, 1, 2, kRdn)), 0u);
  EXPECT_EQ(t.s_bits(3), 0x80000000u);
  t.set_d(4, 3.25);
  EXPECT_EQ(t.flags_of(op_fp(kSub, D, 5, 4, 4, kRne)), 0u);
  EXPECT_EQ(t.d_bits(5), 0u);
  EXPECT_EQ(t.flags_of(op_fp(kSub, D, 5, 4, 4, kRdn)), 0u);
  EXPECT_EQ(t.d_bits(5), 0x8000000000000000u);
  EXPECT_EQ(t.flags_of(op_fp(kSub, D, 5, 4, 4, kRmm)), 0u);
  EXPECT_EQ(t.d_bits(5), 0u);
}

TEST(FpMinMax, SignedZerosAndNaNs) {
  FpHart t;
  t.set_s(1, -0.0f);
  t.set_s(2, 0.0f);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, S, 3, 1, 2, 0)), 0u);
  EXPECT_EQ(t.s_bits(3), 0x80000000u);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, S, 3, 2, 1, 0)), 0u);
  EXPECT_EQ(t.s_bits(3), 0x80000000u);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, S, 3, 1, 2, 1)), 0u);
  EXPECT_EQ(t.s_bits(3), 0u);
  // One quiet NaN: the other operand, no flag. One signaling NaN: the other operand, NV.
  t.set_s_bits(4, 0x7fc00001);
  t.set_s(5, -7.0f);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, S, 3, 4, 5, 0)), 0u);
  EXPECT_EQ(t.s_bits(3), fbits(-7.0f));
  t.set_s_bits(4, 0x7f800001);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, S, 3, 5, 4, 1)), NV);
  EXPECT_EQ(t.s_bits(3), fbits(-7.0f));
  // Two NaNs: the canonical NaN.
  t.hart.f[6] = 0x7ff0000000000001;
  t.hart.f[7] = 0xfff8000000000005;
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, D, 8, 6, 7, 1)), NV);
  EXPECT_EQ(t.d_bits(8), 0x7ff8000000000000u);
  t.set_d(6, 2.0);
  t.set_d(7, -3.0);
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, D, 8, 6, 7, 0)), 0u);
  EXPECT_EQ(t.d_bits(8), dbits(-3.0));
  EXPECT_EQ(t.flags_of(op_fp(kMinMax, D, 8, 6, 7, 1)), 0u);
  EXPECT_EQ(t.d_bits(8), dbits(2.0));
}

TEST(FpCompare, QuietEqualitySignalingOrder) {
  FpHart t;
  t.set_s(1, -0.0f);
  t.set_s(2, 0.0f);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 1, 2, 2)), 0u);  // feq
  EXPECT_EQ(t.hart.x[10], 1u);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 1, 2, 1)), 0u);  // flt
  EXPECT_EQ(t.hart.x[10], 0u);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 1, 2, 0)), 0u);  // fle
  EXPECT_EQ(t.hart.x[10], 1u);
  t.set_s_bits(3, 0x7fc00000);  // quiet NaN
  t.hart.x[10] = 5;
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 3, 2, 2)), 0u);
  EXPECT_EQ(t.hart.x[10], 0u);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 3, 2, 1)), NV);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, S, 10, 2, 3, 0)), NV);
  EXPECT_EQ(t.hart.x[10], 0u);
  t.hart.f[4] = 0x7ff4000000000000;  // signaling NaN
  t.set_d(5, 1.0);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, D, 10, 5, 4, 2)), NV);
  t.set_d(6, 2.0);
  EXPECT_EQ(t.flags_of(op_fp(kCmp, D, 10, 5, 6, 1)), 0u);
  EXPECT_EQ(t.hart.x[10], 1u);
  // rd = x0 stays zero.
  EXPECT_TRUE(t.exec(op_fp(kCmp, D, 0, 5, 6, 1)));
  EXPECT_EQ(t.hart.x[0], 0u);
}

TEST(FpFma, SingleRounding) {
  FpHart t;
  // (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly; a separate multiply would round to 1 first.
  t.set_s_bits(1, 0x3f800001);
  t.set_s_bits(2, 0x3f7ffffe);
  t.set_s(3, 1.0f);
  EXPECT_EQ(t.flags_of(r4(0x47, S, 4, 1, 2, 3, kRne)), 0u);  // fmsub.s
  EXPECT_EQ(t.s_bits(4), 0xa8800000u);
  EXPECT_EQ(t.flags_of(op_fp(kMul, S, 5, 1, 2, kRne)), NX);
  EXPECT_EQ(t.s_bits(5), 0x3f800000u);
  t.hart.f[1] = 0x3ff0000000000001;
  t.hart.f[2] = 0x3feffffffffffffe;  // 1 - 2^-52
  t.set_d(3, -1.0);
  EXPECT_EQ(t.flags_of(r4(0x43, D, 4, 1, 2, 3, kRne)), 0u);  // fmadd.d
  EXPECT_EQ(t.d_bits(4), dbits(-std::ldexp(1.0, -104)));
}

TEST(FpFma, SignVariants) {
  FpHart t;
  t.set_d(1, 2.0);
  t.set_d(2, 3.0);
  t.set_d(3, 1.0);
  const struct {
    uint32_t opcode;
    double expect;
  } cases[] = {{0x43, 7.0}, {0x47, 5.0}, {0x4b, -5.0}, {0x4f, -7.0}};
  for (const auto& c : cases) {
    EXPECT_EQ(t.flags_of(r4(c.opcode, D, 4, 1, 2, 3, kRne)), 0u);
    EXPECT_EQ(t.d_bits(4), dbits(c.expect)) << std::hex << c.opcode;
  }
}

TEST(FpFma, InfinityTimesZeroPlusQuietNaNIsInvalid) {
  FpHart t;
  t.set_s(1, std::numeric_limits<float>::infinity());
  t.set_s(2, 0.0f);
  t.set_s_bits(3, 0x7fc00000);
  EXPECT_EQ(t.flags_of(r4(0x43, S, 4, 1, 2, 3, kRne)), NV);
  EXPECT_EQ(t.s_bits(4), 0x7fc00000u);
  t.set_s(3, 1.0f);
  EXPECT_EQ(t.flags_of(r4(0x4f, S, 4, 2, 1, 3, kRtz)), NV);
  EXPECT_EQ(t.s_bits(4), 0x7fc00000u);
}

// Exact ties after the fused operation: the ties-to-even and ties-to-max-magnitude results differ.
TEST(FpFma, TiesInRmm) {
  FpHart t;
  // (1 + 2^-23)^2 + (2^-24 - 2^-46) = 1 + 2^-22 + 2^-24: halfway between 0x3f800002 and 0x3f800003.
  t.set_s_bits(1, 0x3f800001);
  t.set_s(2, std::ldexp(1.0f, -24) - std::ldexp(1.0f, -46));
  EXPECT_EQ(t.flags_of(r4(0x43, S, 3, 1, 1, 2, kRne)), NX);
  EXPECT_EQ(t.s_bits(3), 0x3f800002u);
  EXPECT_EQ(t.flags_of(r4(0x43, S, 3, 1, 1, 2, kRmm)), NX);
  EXPECT_EQ(t.s_bits(3), 0x3f800003u);
  t.hart.f[1] = 0x3ff0000000000001;
  t.set_d(2, std::ldexp(1.0, -53) - std::ldexp(1.0, -104));
  EXPECT_EQ(t.flags_of(r4(0x43, D, 3, 1, 1, 2, kRne)), NX);
  EXPECT_EQ(t.d_bits(3), 0x3ff0000000000002u);
  EXPECT_EQ(t.flags_of(r4(0x43, D, 3, 1, 1, 2, kRmm)), NX);
  EXPECT_EQ(t.d_bits(3), 0x3ff0000000000003u);
  // Negated product: the tie is resolved away from zero too.
  EXPECT_EQ(t.flags_of(r4(0x4f, D, 3, 1, 1, 2, kRmm)), NX);
  EXPECT_EQ(t.d_bits(3), 0xbff0000000000003u);
}

TEST(FpClass, EveryClass) {
  const struct {
    uint64_t single;
    uint64_t dbl;
    unsigned bit;
  } cases[] = {{0xff800000, 0xfff0000000000000, 0}, {0xbf800000, 0xbff0000000000000, 1},
               {0x80000001, 0x8000000000000001, 2}, {0x80000000, 0x8000000000000000, 3},
               {0x00000000, 0x0000000000000000, 4}, {0x007fffff, 0x000fffffffffffff, 5},
               {0x3f800000, 0x3ff0000000000000, 6}, {0x7f800000, 0x7ff0000000000000, 7},
               {0x7f800001, 0x7ff0000000000001, 8}, {0x7fc00000, 0x7ff8000000000000, 9}};
  FpHart t;
  for (const auto& c : cases) {
    t.set_s_bits(1, static_cast<uint32_t>(c.single));
    t.hart.f[2] = c.dbl;
    EXPECT_EQ(t.flags_of(op_fp(kMvToX, S, 10, 1, 0, 1)), 0u);
    EXPECT_EQ(t.hart.x[10], 1u << c.bit) << std::hex << c.single;
    EXPECT_EQ(t.flags_of(op_fp(kMvToX, D, 11, 2, 0, 1)), 0u);
    EXPECT_EQ(t.hart.x[11], 1u << c.bit) << std::hex << c.dbl;
  }
}

TEST(FpSignInject, AllThree) {
  FpHart t;
  t.set_d(1, 2.5);
  t.set_d(2, -1.0);
  ASSERT_TRUE(t.exec(op_fp(kSgnj, D, 3, 1, 2, 0)));
  EXPECT_EQ(t.d_bits(3), dbits(-2.5));
  ASSERT_TRUE(t.exec(op_fp(kSgnj, D, 3, 1, 2, 1)));
  EXPECT_EQ(t.d_bits(3), dbits(2.5));
  ASSERT_TRUE(t.exec(op_fp(kSgnj, D, 3, 2, 2, 2)));  // fabs via fsgnjx
  EXPECT_EQ(t.d_bits(3), dbits(1.0));
}

}  // namespace
}  // namespace unitag::fptest
