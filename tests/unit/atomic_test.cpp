// RV64A: every AMO in both widths (old value to rd, sign-extended for .w; the operation's result
// to memory), and LR/SC success and failure, including a store by another hart in between.
#include <gtest/gtest.h>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

using AtomicTest = MachineTest;

struct AmoCase {
  Op op;
  uint64_t mem, operand;
  uint64_t want_mem;  // rd always gets the old value (sign-extended for .w)
};

constexpr uint64_t kNeg32 = 0x80000000;             // INT32_MIN as a word in memory
constexpr uint64_t kNeg64 = 0x8000000000000000ull;  // INT64_MIN

const AmoCase kWordCases[] = {
    {Op::amoswap_w, kNeg32, 0x12345678, 0x12345678},
    {Op::amoadd_w, 0x7fffffff, 1, 0x80000000},  // wraps in 32 bits
    {Op::amoadd_w, 0xffffffff, 0xffffffff00000002ull, 1},
    {Op::amoxor_w, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0},
    {Op::amoand_w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00},
    {Op::amoor_w, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0},
    {Op::amomin_w, kNeg32, 1, kNeg32},  // signed: INT32_MIN < 1
    {Op::amomax_w, kNeg32, 1, 1},
    {Op::amominu_w, kNeg32, 1, 1},  // unsigned: 0x80000000 > 1
    {Op::amomaxu_w, kNeg32, 1, kNeg32},
    {Op::amomin_w, 5, 0xffffffff, 0xffffffff},  // -1 < 5
    {Op::amomaxu_w, 5, 0x1'0000'0000ull, 5},    // only the low 32 bits of rs2 count
};

const AmoCase kDoubleCases[] = {
    {Op::amoswap_d, kNeg64, 0x123456789abcdef0ull, 0x123456789abcdef0ull},
    {Op::amoadd_d, ~uint64_t{0}, 2, 1},
    {Op::amoxor_d, 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xf0f0f0f0f0f0f0f0ull},
    {Op::amoand_d, 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0x0f000f000f000f00ull},
    {Op::amoor_d, 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull, 0xfff0fff0fff0fff0ull},
    {Op::amomin_d, kNeg64, 1, kNeg64},
    {Op::amomax_d, kNeg64, 1, 1},
    {Op::amominu_d, kNeg64, 1, 1},
    {Op::amomaxu_d, kNeg64, 1, kNeg64},
    {Op::amomin_d, 0x80000000, 1, 1},  // positive as a doubleword
};

TEST_F(AtomicTest, WordAmosReturnTheSignExtendedOldValueAndStoreTheResult) {
  for (const AmoCase& c : kWordCases) {
    SCOPED_TRACE(insn_info(c.op).mnemonic);
    poke32(kData, static_cast<uint32_t>(c.mem));
    poke32(kData + 4, 0xa5a5a5a5);  // the neighbouring word must not change
    code({Amo(c.op, a2, a0, a1)});
    x(a0) = kData;
    x(a1) = c.operand;
    ASSERT_EQ(run(1), 1u);
    EXPECT_EQ(x(a2), static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(c.mem))));
    EXPECT_EQ(peek32(kData), static_cast<uint32_t>(c.want_mem));
    EXPECT_EQ(peek32(kData + 4), 0xa5a5a5a5u);
  }
}

TEST_F(AtomicTest, DoublewordAmosReturnTheOldValueAndStoreTheResult) {
  for (const AmoCase& c : kDoubleCases) {
    SCOPED_TRACE(insn_info(c.op).mnemonic);
    poke64(kData, c.mem);
    code({Amo(c.op, a2, a0, a1)});
    x(a0) = kData;
    x(a1) = c.operand;
    ASSERT_EQ(run(1), 1u);
    EXPECT_EQ(x(a2), c.mem);
    EXPECT_EQ(peek64(kData), c.want_mem);
  }
}

TEST_F(AtomicTest, AmoWithRdZeroStillUpdatesMemory) {
  poke64(kData, 40);
  code({Amo(Op::amoadd_d, zero, a0, a1)});
  x(a0) = kData;
  x(a1) = 2;
  ASSERT_EQ(run(1), 1u);
  EXPECT_EQ(x(zero), 0u);
  EXPECT_EQ(peek64(kData), 42u);
}

TEST_F(AtomicTest, LrScSucceedsWithAReservation) {
  poke32(kData, 0x80000001);
  code({Amo(Op::lr_w, a2, a0, zero), Amo(Op::sc_w, a3, a0, a1)});
  x(a0) = kData;
  x(a1) = 7;
  ASSERT_EQ(run(2), 2u);
  EXPECT_EQ(x(a2), 0xffffffff80000001ull) << "lr.w sign-extends";
  EXPECT_EQ(x(a3), 0u) << "sc.w reports success with 0";
  EXPECT_EQ(peek32(kData), 7u);
}

TEST_F(AtomicTest, LrScDoubleword) {
  poke64(kData, 0x8000000000000001ull);
  code({Amo(Op::lr_d, a2, a0, zero), Amo(Op::sc_d, a3, a0, a1)});
  x(a0) = kData;
  x(a1) = 0x1122334455667788ull;
  ASSERT_EQ(run(2), 2u);
  EXPECT_EQ(x(a2), 0x8000000000000001ull);
  EXPECT_EQ(x(a3), 0u);
  EXPECT_EQ(peek64(kData), 0x1122334455667788ull);
}

TEST_F(AtomicTest, ScWithoutReservationFails) {
  poke32(kData, 3);
  code({Amo(Op::sc_w, a3, a0, a1)});
  x(a0) = kData;
  x(a1) = 7;
  ASSERT_EQ(run(1), 1u);
  EXPECT_NE(x(a3), 0u);
  EXPECT_EQ(peek32(kData), 3u);
}

TEST_F(AtomicTest, ScConsumesTheReservation) {
  poke32(kData, 3);
  code({Amo(Op::lr_w, a2, a0, zero), Amo(Op::sc_w, a3, a0, a1), Amo(Op::sc_w, a4, a0, a5)});
  x(a0) = kData;
  x(a1) = 7;
  x(a5) = 9;
  ASSERT_EQ(run(3), 3u);
  EXPECT_EQ(x(a3), 0u);
  EXPECT_NE(x(a4), 0u);
  EXPECT_EQ(peek32(kData), 7u);
}

TEST_F(AtomicTest, ScToAnotherAddressFails) {
  poke64(kData, 0);
  code({Amo(Op::lr_d, a2, a0, zero), Amo(Op::sc_d, a3, a4, a1)});
  x(a0) = kData;
  x(a4) = kData + 8;
  x(a1) = 7;
  ASSERT_EQ(run(2), 2u);
  EXPECT_NE(x(a3), 0u);
  EXPECT_EQ(peek64(kData + 8), 0u);
}

TEST_F(AtomicTest, ScFailsAfterAStoreChangedTheValue) {
  poke32(kData, 3);
  code({Amo(Op::lr_w, a2, a0, zero), S(Op::sw, a5, a0, 0), Amo(Op::sc_w, a3, a0, a1)});
  x(a0) = kData;
  x(a1) = 7;
  x(a5) = 4;
  ASSERT_EQ(run(3), 3u);
  EXPECT_NE(x(a3), 0u);
  EXPECT_EQ(peek32(kData), 4u);
}

TEST_F(AtomicTest, TrapClearsTheReservation) {
  install_handler();
  poke32(kData, 3);
  code({Amo(Op::lr_w, a2, a0, zero), 0xffffffff});
  x(a0) = kData;
  ASSERT_EQ(run(2), 1u);
  EXPECT_FALSE(hart().reservation_valid);
}

class TwoHartAtomicTest : public MachineTest {
 protected:
  TwoHartAtomicTest() : MachineTest(2) {}
};

TEST_F(TwoHartAtomicTest, ScFailsAfterAnotherHartStoredADifferentValue) {
  poke32(kData, 3);
  const uint32_t h0[] = {Amo(Op::lr_w, a2, a0, zero), Amo(Op::sc_w, a3, a0, a1)};
  const uint32_t h1[] = {S(Op::sw, a5, a0, 0)};
  ASSERT_TRUE(hart(0).poke(kCode, h0, sizeof h0));
  ASSERT_TRUE(hart(0).poke(kCode + 0x100, h1, sizeof h1));
  hart(0).pc = kCode;
  hart(1).pc = kCode + 0x100;
  for (unsigned h = 0; h < 2; ++h) x(a0, h) = kData;
  x(a1, 0) = 7;
  x(a5, 1) = 11;
  ASSERT_EQ(run(1, 0), 1u);  // lr.w
  ASSERT_EQ(run(1, 1), 1u);  // the other hart's store
  ASSERT_EQ(run(1, 0), 1u);  // sc.w
  EXPECT_NE(x(a3, 0), 0u);
  EXPECT_EQ(peek32(kData), 11u);
}

TEST_F(TwoHartAtomicTest, AmosFromTwoHartsBothApply) {
  poke64(kData, 0);
  const uint32_t prog[] = {Amo(Op::amoadd_d, zero, a0, a1), Jal(zero, -4)};
  ASSERT_TRUE(hart(0).poke(kCode, prog, sizeof prog));
  for (unsigned h = 0; h < 2; ++h) {
    hart(h).pc = kCode;
    x(a0, h) = kData;
    x(a1, h) = h + 1;
  }
  for (int round = 0; round < 10; ++round) {
    run(200, 0);
    run(200, 1);
  }
  // Each hart ran 1000 amoadds (every other instruction): 1000*1 + 1000*2.
  EXPECT_EQ(peek64(kData), 3000u);
}

}  // namespace
}  // namespace unitag::test
