// Integer semantics executed on a real hart: M-extension corner cases (division by zero and
// overflow never trap), sign extension of *W results, shift-amount masking, x0.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

constexpr uint64_t kMin64 = 0x8000000000000000ull;
constexpr uint64_t kAllOnes = ~uint64_t{0};
constexpr uint64_t kMin32 = 0xffffffff80000000ull;  // INT32_MIN, sign-extended

using AluTest = MachineTest;

TEST_F(AluTest, DivisionByZeroGivesTheArchitectedResults) {
  EXPECT_EQ(exec_r(Op::div, 42, 0), kAllOnes);
  EXPECT_EQ(exec_r(Op::div, static_cast<uint64_t>(-42), 0), kAllOnes);
  EXPECT_EQ(exec_r(Op::divu, 42, 0), kAllOnes);
  EXPECT_EQ(exec_r(Op::rem, 42, 0), 42u);
  EXPECT_EQ(exec_r(Op::rem, static_cast<uint64_t>(-42), 0), static_cast<uint64_t>(-42));
  EXPECT_EQ(exec_r(Op::remu, 42, 0), 42u);
  // W forms: the 32-bit results, sign-extended.
  EXPECT_EQ(exec_r(Op::divw, 0x1234500000007, 0), kAllOnes);
  EXPECT_EQ(exec_r(Op::divuw, 0x1234500000007, 0), kAllOnes);  // 0xffffffff sign-extended
  EXPECT_EQ(exec_r(Op::remw, 0xabcd80000001ull, 0), 0xffffffff80000001ull);
  EXPECT_EQ(exec_r(Op::remuw, 0xabcd80000001ull, 0), 0xffffffff80000001ull);
  EXPECT_EQ(exec_r(Op::remuw, 0xabcd00000005ull, 0), 5u);
  // Only the low 32 bits of the divisor count for W forms.
  EXPECT_EQ(exec_r(Op::divw, 7, 0x100000000ull), kAllOnes);
  EXPECT_EQ(exec_r(Op::remw, 7, 0x100000000ull), 7u);
}

TEST_F(AluTest, SignedOverflowGivesTheArchitectedResults) {
  EXPECT_EQ(exec_r(Op::div, kMin64, kAllOnes), kMin64);
  EXPECT_EQ(exec_r(Op::rem, kMin64, kAllOnes), 0u);
  EXPECT_EQ(exec_r(Op::divw, 0x80000000u, 0xffffffffu), kMin32);
  EXPECT_EQ(exec_r(Op::remw, 0x80000000u, 0xffffffffu), 0u);
  // Unsigned forms have no overflow: plain division.
  EXPECT_EQ(exec_r(Op::divu, kMin64, kAllOnes), 0u);
  EXPECT_EQ(exec_r(Op::remu, kMin64, kAllOnes), kMin64);
  EXPECT_EQ(exec_r(Op::divuw, 0x80000000u, 0xffffffffu), 0u);
  EXPECT_EQ(exec_r(Op::remuw, 0x80000000u, 0xffffffffu), kMin32);
}

TEST_F(AluTest, DivisionRoundsTowardZero) {
  EXPECT_EQ(exec_r(Op::div, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-3));
  EXPECT_EQ(exec_r(Op::rem, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-1));
  EXPECT_EQ(exec_r(Op::rem, 7, static_cast<uint64_t>(-2)), 1u);
  EXPECT_EQ(exec_r(Op::divw, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-3));
  EXPECT_EQ(exec_r(Op::remw, static_cast<uint64_t>(-7), 2), static_cast<uint64_t>(-1));
  EXPECT_EQ(exec_r(Op::divu, kAllOnes, 2), kAllOnes >> 1);
  EXPECT_EQ(exec_r(Op::divuw, kAllOnes, 2), 0x7fffffffu);
}

TEST_F(AluTest, HighMultiplies) {
  EXPECT_EQ(exec_r(Op::mulh, kAllOnes, kAllOnes), 0u);             // (-1)*(-1) = 1
  EXPECT_EQ(exec_r(Op::mulhu, kAllOnes, kAllOnes), kAllOnes - 1);  // (2^64-1)^2 >> 64
  EXPECT_EQ(exec_r(Op::mulhsu, kAllOnes, kAllOnes), kAllOnes);     // -1 * (2^64-1) >> 64
  EXPECT_EQ(exec_r(Op::mulh, kMin64, kMin64), 0x4000000000000000ull);
  EXPECT_EQ(exec_r(Op::mul, 0x100000001ull, 0x100000001ull), 0x200000001ull);
  EXPECT_EQ(exec_r(Op::mulw, 0x10000, 0x10000), 0u);                  // 2^32 truncates to 0
  EXPECT_EQ(exec_r(Op::mulw, 0x7fffffff, 2), 0xfffffffffffffffeull);  // sign of bit 31
}

TEST_F(AluTest, WordOpsSignExtendBit31) {
  EXPECT_EQ(exec_r(Op::addw, 0x7fffffff, 1), kMin32);
  EXPECT_EQ(exec_r(Op::addw, 0xffffffff00000001ull, 0x00000000ffffffffull), 0u);
  EXPECT_EQ(exec_r(Op::subw, 0, 1), kAllOnes);
  EXPECT_EQ(exec_r(Op::subw, 0x1'0000'0000ull, 0), 0u);  // upper bits of rs1 are ignored
  EXPECT_EQ(exec_r(Op::sllw, 1, 31), kMin32);
  EXPECT_EQ(exec_r(Op::srlw, 0xffffffff80000000ull, 31), 1u);
  EXPECT_EQ(exec_r(Op::srlw, 0x80000000u, 0), kMin32);  // shift by 0 still sign-extends
  EXPECT_EQ(exec_r(Op::sraw, 0x80000000u, 4), 0xfffffffff8000000ull);
  code({I(Op::addiw, a2, a0, 1)});
  x(a0) = 0x123456787fffffffull;
  run(1);
  EXPECT_EQ(x(a2), kMin32);
  code({Shift(Op::slliw, a2, a0, 16)});
  x(a0) = 0x8000;
  run(1);
  EXPECT_EQ(x(a2), kMin32);
  code({Shift(Op::srliw, a2, a0, 0)});
  x(a0) = 0xffffffff;
  run(1);
  EXPECT_EQ(x(a2), kAllOnes);
  code({Shift(Op::sraiw, a2, a0, 31)});
  x(a0) = 0x80000000;
  run(1);
  EXPECT_EQ(x(a2), kAllOnes);
}

TEST_F(AluTest, ShiftAmountsAreMaskedToTheOperandWidth) {
  EXPECT_EQ(exec_r(Op::sll, 1, 64), 1u);  // 64 & 63 = 0
  EXPECT_EQ(exec_r(Op::sll, 1, 65), 2u);
  EXPECT_EQ(exec_r(Op::srl, kMin64, 127), 1u);  // 127 & 63 = 63
  EXPECT_EQ(exec_r(Op::sra, kMin64, 0xffffffffffffff3full), kAllOnes);
  EXPECT_EQ(exec_r(Op::sllw, 1, 32), 1u);  // 32 & 31 = 0
  EXPECT_EQ(exec_r(Op::sllw, 1, 33), 2u);
  EXPECT_EQ(exec_r(Op::srlw, 0x80000000u, 63), 1u);
  EXPECT_EQ(exec_r(Op::sraw, 0x80000000u, 0x3f), kAllOnes);
  code({Shift(Op::srai, a2, a0, 63)});
  x(a0) = kMin64;
  run(1);
  EXPECT_EQ(x(a2), kAllOnes);
  code({Shift(Op::slli, a2, a0, 63)});
  x(a0) = 3;
  run(1);
  EXPECT_EQ(x(a2), kMin64);
}

TEST_F(AluTest, ComparesAreSignedOrUnsigned) {
  EXPECT_EQ(exec_r(Op::slt, kAllOnes, 0), 1u);
  EXPECT_EQ(exec_r(Op::sltu, kAllOnes, 0), 0u);
  code({I(Op::sltiu, a2, a0, -1)});  // the immediate is sign-extended, then compared unsigned
  x(a0) = kAllOnes - 1;
  run(1);
  EXPECT_EQ(x(a2), 1u);
}

TEST_F(AluTest, RegisterZeroStaysZero) {
  code({I(Op::addi, zero, zero, 5), R(Op::add, zero, a0, a0), Lui(zero, 0x12345000),
        I(Op::lw, zero, a1, 0), R(Op::add, a2, zero, zero), Jal(zero, 8), 0,
        I(Op::addi, a3, zero, 0)});
  x(a0) = 21;
  x(a1) = kData;
  x(a2) = x(a3) = 99;
  poke32(kData, 0xffffffff);
  EXPECT_EQ(run(7), 7u);
  EXPECT_EQ(x(zero), 0u);
  EXPECT_EQ(x(a2), 0u);
  EXPECT_EQ(x(a3), 0u);
  EXPECT_EQ(hart().pc, kCode + 32);
}

TEST_F(AluTest, LoadsSignOrZeroExtend) {
  poke64(kData, 0x8081828384858687ull);
  x(a0) = kData;
  struct Case {
    Op op;
    uint64_t want;
  };
  const Case cases[] = {{Op::lb, 0xffffffffffffff87ull}, {Op::lbu, 0x87},
                        {Op::lh, 0xffffffffffff8687ull}, {Op::lhu, 0x8687},
                        {Op::lw, 0xffffffff84858687ull}, {Op::lwu, 0x84858687},
                        {Op::ld, 0x8081828384858687ull}};
  for (const Case& c : cases) {
    code({I(c.op, a2, a0, 0)});
    run(1);
    EXPECT_EQ(x(a2), c.want) << insn_info(c.op).mnemonic;
  }
  // Positive values are not sign-extended.
  poke64(kData, 0x7f7f7f7f7f7f7f7full);
  code({I(Op::lb, a2, a0, 0)});
  run(1);
  EXPECT_EQ(x(a2), 0x7fu);
}

TEST_F(AluTest, StoresWriteOnlyTheirWidth) {
  poke64(kData, 0);
  x(a0) = kData;
  x(a1) = 0x1122334455667788ull;
  code({S(Op::sb, a1, a0, 0), S(Op::sh, a1, a0, 2), S(Op::sw, a1, a0, 4)});
  run(3);
  EXPECT_EQ(peek64(kData), 0x5566778877880088ull);
  code({S(Op::sd, a1, a0, -8)});
  run(1);
  EXPECT_EQ(peek64(kData - 8), 0x1122334455667788ull);
}

TEST_F(AluTest, BranchesAndJumps) {
  // beq taken skips one instruction; jalr clears bit 0 of the target.
  code({enc::b(0, a0, a1, 8), I(Op::addi, a2, zero, 1), I(Op::jalr, ra, a3, 1)});
  x(a0) = x(a1) = 5;
  x(a3) = kCode + 0x100;
  EXPECT_EQ(run(2), 2u);
  EXPECT_EQ(x(a2), 0u);
  EXPECT_EQ(hart().pc, kCode + 0x100);
  EXPECT_EQ(x(ra), kCode + 12);
  // blt is signed, bltu unsigned.
  code({enc::b(4, a0, a1, 0x40)});
  x(a0) = kAllOnes;
  x(a1) = 0;
  run(1);
  EXPECT_EQ(hart().pc, kCode + 0x40);
  code({enc::b(6, a0, a1, 0x40)});
  run(1);
  EXPECT_EQ(hart().pc, kCode + 4);
  // auipc adds to its own pc.
  code({enc::u(0x17, a2, static_cast<int32_t>(0xfffff000))}, kCode + 0x2000);
  run(1);
  EXPECT_EQ(x(a2), kCode + 0x2000 - 0x1000);
}

TEST_F(AluTest, RetiredCountExcludesTrappedInstructions) {
  install_handler();
  code({I(Op::addi, a0, a0, 1), 0xffffffff});
  EXPECT_EQ(run(2), 1u);
  EXPECT_EQ(hart().instret, 1u);
  EXPECT_EQ(hart().pc, kHandler);
}

}  // namespace
}  // namespace unitag::test
