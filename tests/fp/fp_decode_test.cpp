// Decoding and disassembly of F/D instructions, and the operand register files and groups a
// tag engine relies on to follow data through FP registers.
#include <gtest/gtest.h>

#include "fp_harness.h"
#include "machine/isa/decoder.h"

namespace unitag::fptest {
namespace {

TEST(FpDecode, GroupsAndOperandFiles) {
  const struct {
    uint32_t bits;
    const char* text;
    Group group;
    RegFile rd, rs1, rs2, rs3;
  } cases[] = {
      {enc::i(0x07, 3, 1, 5, 8), "fld ft1, 8(t0)", Group::FpLoad, RegFile::kF, RegFile::kX,
       RegFile::kNone, RegFile::kNone},
      {enc::s(0x27, 2, 5, 1, -4), "fsw ft1, -4(t0)", Group::FpStore, RegFile::kNone, RegFile::kX,
       RegFile::kF, RegFile::kNone},
      {op_fp(kAdd, D, 1, 2, 3, kDyn), "fadd.d ft1, ft2, ft3", Group::FpAlu, RegFile::kF,
       RegFile::kF, RegFile::kF, RegFile::kNone},
      {r4(0x43, S, 1, 2, 3, 4, kRne), "fmadd.s ft1, ft2, ft3, ft4", Group::FpAlu, RegFile::kF,
       RegFile::kF, RegFile::kF, RegFile::kF},
      {op_fp(kCvtToInt, D, 10, 1, L, kRtz), "fcvt.l.d a0, ft1", Group::FpAlu, RegFile::kX,
       RegFile::kF, RegFile::kNone, RegFile::kNone},
      {op_fp(kCvtFromInt, S, 1, 10, WU, kDyn), "fcvt.s.wu ft1, a0", Group::FpAlu, RegFile::kF,
       RegFile::kX, RegFile::kNone, RegFile::kNone},
      {op_fp(kCmp, S, 10, 1, 2, 1), "flt.s a0, ft1, ft2", Group::FpAlu, RegFile::kX, RegFile::kF,
       RegFile::kF, RegFile::kNone},
      {op_fp(kMvFromX, D, 1, 10, 0, 0), "fmv.d.x ft1, a0", Group::FpAlu, RegFile::kF, RegFile::kX,
       RegFile::kNone, RegFile::kNone},
      {op_fp(kCvtFF, S, 1, 2, 1, kRne), "fcvt.s.d ft1, ft2", Group::FpAlu, RegFile::kF, RegFile::kF,
       RegFile::kNone, RegFile::kNone},
  };
  for (const auto& c : cases) {
    const DecodedInsn d = decode(c.bits);
    ASSERT_NE(d.op, Op::kIllegal) << c.text;
    EXPECT_EQ(disassemble(d, 0), c.text);
    EXPECT_EQ(d.group(), c.group) << c.text;
    const OperandFiles files = operand_files(insn_info(d.op).format);
    EXPECT_EQ(files.rd, c.rd) << c.text;
    EXPECT_EQ(files.rs1, c.rs1) << c.text;
    EXPECT_EQ(files.rs2, c.rs2) << c.text;
    EXPECT_EQ(files.rs3, c.rs3) << c.text;
  }
}

TEST(FpDecode, CompressedFpLoadsAndStores) {
  EXPECT_EQ(disassemble(decode(0x2400), 0), "fld fs0, 8(s0)");
  EXPECT_EQ(disassemble(decode(0xb02e), 0), "fsd fa1, 32(sp)");
  EXPECT_EQ(decode(0x2400).group(), Group::FpLoad);
  EXPECT_EQ(decode(0x2400, DecodeOptions{.fp = false}).op, Op::kIllegal);
}

TEST(FpDecode, FormatFieldsSelectSingleOrDouble) {
  // fmt = 2 (half) and 3 (quad) are not implemented.
  EXPECT_EQ(decode(op_fp(kAdd, S, 1, 2, 3, kRne) | (2u << 25)).op, Op::kIllegal);
  EXPECT_EQ(decode(r4(0x43, D, 1, 2, 3, 4, kRne) | (1u << 26)).op, Op::kIllegal);
  // fcvt.s.d needs rs2 = 1; rs2 = 0 with fmt S is not an instruction.
  EXPECT_EQ(decode(op_fp(kCvtFF, S, 1, 2, 0, kRne)).op, Op::kIllegal);
}

}  // namespace
}  // namespace unitag::fptest
