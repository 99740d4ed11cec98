// The C extension: every compressed instruction expands to the base encoding GNU as gives for
// its expansion, reserved encodings are illegal, and compressed code executes.
#include "machine/isa/rvc.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "machine/isa/decoder.h"
#include "tests/unit/machine_fixture.h"

namespace unitag {
namespace {

// (compressed parcel, 32-bit equivalent) pairs assembled by riscv64-unknown-elf-as from the
// text shown (first half with .option rvc, second half with .option norvc).
struct RvcVector {
  uint16_t c;
  uint32_t expanded;
  const char* text;
};
constexpr RvcVector kRvc[] = {
    {0x0048, 0x00410513, "c.addi4spn a0, sp, 4"},
    {0x1fe4, 0x3fc10493, "c.addi4spn s1, sp, 1020"},
    {0x4290, 0x0006a603, "c.lw a2, 0(a3)"},
    {0x5fe0, 0x07c7a403, "c.lw s0, 124(a5)"},
    {0x7cf8, 0x0f84b703, "c.ld a4, 248(s1)"},
    {0x651c, 0x00853783, "c.ld a5, 8(a0)"},
    {0xc1a8, 0x04a5a023, "c.sw a0, 64(a1)"},
    {0xfe64, 0x0e963c23, "c.sd s1, 248(a2)"},
    {0x2588, 0x0085b507, "c.fld fa0, 8(a1)"},
    {0xbfe4, 0x0e97bc27, "c.fsd fs1, 248(a5)"},
    {0x1501, 0xfe050513, "c.addi a0, -32"},
    {0x0ffd, 0x01ff8f93, "c.addi t6, 31"},
    {0x0001, 0x00000013, "c.nop"},
    {0x35fd, 0xfff5859b, "c.addiw a1, -1"},
    {0x2d81, 0x000d8d9b, "c.addiw s11, 0"},
    {0x5501, 0xfe000513, "c.li a0, -32"},
    {0x42c5, 0x01100293, "c.li t0, 17"},
    {0x7101, 0xe0010113, "c.addi16sp sp, -512"},
    {0x617d, 0x1f010113, "c.addi16sp sp, 496"},
    {0x6141, 0x01010113, "c.addi16sp sp, 16"},
    {0x6505, 0x00001537, "c.lui a0, 1"},
    {0x7901, 0xfffe0937, "c.lui s2, 0xfffe0"},
    {0x6ffd, 0x0001ffb7, "c.lui t6, 31"},
    {0x8105, 0x00155513, "c.srli a0, 1"},
    {0x90fd, 0x03f4d493, "c.srli s1, 63"},
    {0x9781, 0x4207d793, "c.srai a5, 32"},
    {0x861d, 0x40765613, "c.srai a2, 7"},
    {0x9afd, 0xfff6f693, "c.andi a3, -1"},
    {0x8831, 0x00c47413, "c.andi s0, 12"},
    {0x8d0d, 0x40b50533, "c.sub a0, a1"},
    {0x8c3d, 0x00f44433, "c.xor s0, a5"},
    {0x8e55, 0x00d66633, "c.or a2, a3"},
    {0x8f65, 0x00977733, "c.and a4, s1"},
    {0x9d1d, 0x40f5053b, "c.subw a0, a5"},
    {0x9cb1, 0x00c484bb, "c.addw s1, a2"},
    {0xaffd, 0x7fe0006f, "c.j .+2046"},
    {0xb001, 0x801ff06f, "c.j .-2048"},
    {0xcd7d, 0x0e050f63, "c.beqz a0, .+254"},
    {0xd081, 0xf00480e3, "c.beqz s1, .-256"},
    {0xe781, 0x00079463, "c.bnez a5, .+8"},
    {0x0506, 0x00151513, "c.slli a0, 1"},
    {0x1ffe, 0x03ff9f93, "c.slli t6, 63"},
    {0x35fe, 0x1f813587, "c.fldsp fa1, 504(sp)"},
    {0x557e, 0x0fc12503, "c.lwsp a0, 252(sp)"},
    {0x4082, 0x00012083, "c.lwsp ra, 0(sp)"},
    {0x747e, 0x1f813403, "c.ldsp s0, 504(sp)"},
    {0x6fa2, 0x00813f83, "c.ldsp t6, 8(sp)"},
    {0x8082, 0x00008067, "c.jr ra"},
    {0x8f82, 0x000f8067, "c.jr t6"},
    {0x852e, 0x00b00533, "c.mv a0, a1"},
    {0x8fa2, 0x00800fb3, "c.mv t6, s0"},
    {0x9002, 0x00100073, "c.ebreak"},
    {0x9502, 0x000500e7, "c.jalr a0"},
    {0x9f82, 0x000f80e7, "c.jalr t6"},
    {0x952e, 0x00b50533, "c.add a0, a1"},
    {0x917e, 0x01f10133, "c.add sp, t6"},
    {0xbfa2, 0x1e813c27, "c.fsdsp fs0, 504(sp)"},
    {0xdfaa, 0x0ea12e23, "c.swsp a0, 252(sp)"},
    {0xc002, 0x00012023, "c.swsp zero, 0(sp)"},
    {0xff86, 0x1e113c23, "c.sdsp ra, 504(sp)"},
    {0xe47e, 0x01f13423, "c.sdsp t6, 8(sp)"},
};

TEST(Rvc, EveryCompressedInstructionExpandsToItsBaseEncoding) {
  for (const RvcVector& v : kRvc) {
    SCOPED_TRACE(v.text);
    EXPECT_EQ(expand_compressed(v.c, /*fp_enabled=*/true), v.expanded)
        << std::hex << "got 0x" << expand_compressed(v.c, true) << " want 0x" << v.expanded;
    const DecodedInsn d = decode(v.c);
    const DecodedInsn base = decode(v.expanded);
    EXPECT_EQ(d.op, base.op);
    if (base.op == Op::kIllegal) {  // c.fld & co. before the D extension is in the table
      EXPECT_EQ(insn_info(Op::kIllegal).group, Group::Illegal);
      EXPECT_TRUE((v.expanded & 0x5f) == 0x07 || (v.expanded & 0x5f) == 0x27)
          << "only FP may be missing";
      continue;
    }
    EXPECT_EQ(d.len, 2);
    EXPECT_EQ(d.raw, v.c);
    EXPECT_EQ(d.rd, base.rd);
    EXPECT_EQ(d.rs1, base.rs1);
    EXPECT_EQ(d.rs2, base.rs2);
    EXPECT_EQ(d.imm, base.imm);
    // The name in the text is the one the table reports.
    const std::string text(v.text);
    std::string name = text.substr(0, text.find(' '));
    for (char& ch : name)
      if (ch == '.') ch = '_';
    if (name != "c_nop") {
      EXPECT_EQ(std::string(compressed_name(v.c)), name);
    }
  }
}

TEST(Rvc, EveryTableEntryIsCovered) {
  // Each compressed instruction of RV64C (with D) appears in the vectors above.
  const char* names[] = {"c_addi4spn", "c_fld",   "c_lw",    "c_ld",    "c_fsd",      "c_sw",
                         "c_sd",       "c_addi",  "c_addiw", "c_li",    "c_addi16sp", "c_lui",
                         "c_srli",     "c_srai",  "c_andi",  "c_sub",   "c_xor",      "c_or",
                         "c_and",      "c_subw",  "c_addw",  "c_j",     "c_beqz",     "c_bnez",
                         "c_slli",     "c_fldsp", "c_lwsp",  "c_ldsp",  "c_jr",       "c_mv",
                         "c_ebreak",   "c_jalr",  "c_add",   "c_fsdsp", "c_swsp",     "c_sdsp"};
  for (const char* n : names) {
    bool found = false;
    for (const RvcVector& v : kRvc) found |= std::string(compressed_name(v.c)) == n;
    EXPECT_TRUE(found) << n;
  }
}

TEST(Rvc, ReservedEncodingsAreIllegal) {
  struct Reserved {
    uint16_t c;
    const char* why;
  };
  const Reserved reserved[] = {
      {0x0000, "all-zero parcel"},
      {0x0004, "c.addi4spn with nzuimm 0 (rd' = s1)"},
      {0x001c, "c.addi4spn with nzuimm 0 (rd' = a5)"},
      {0x6081, "c.lui ra, 0"},
      {0x6f81, "c.lui t6, 0"},
      {0x6101, "c.addi16sp with nzimm 0"},
      {0x4002, "c.lwsp with rd = x0"},
      {0x4082 & ~0x0080, "c.lwsp x0, 0(sp)"},
      {0x6002, "c.ldsp with rd = x0"},
      {0x6ffe & ~0x0f80, "c.ldsp x0, 504(sp)"},
      {0x8002, "c.jr with rs1 = x0"},
      {0x2001, "c.addiw with rd = x0"},
  };
  for (const Reserved& r : reserved) {
    SCOPED_TRACE(r.why);
    EXPECT_EQ(expand_compressed(r.c, true), 0u);
    const DecodedInsn d = decode(r.c);
    EXPECT_EQ(d.op, Op::kIllegal) << "decoded as " << insn_info(d.op).mnemonic;
    EXPECT_EQ(d.len, 2);
    EXPECT_EQ(d.raw, r.c);
  }
}

TEST(Rvc, DoubleLoadsAndStoresAreIllegalWithoutD) {
  for (uint16_t c : {uint16_t{0x2588}, uint16_t{0xbfe4}, uint16_t{0x35fe}, uint16_t{0xbfa2}}) {
    EXPECT_EQ(expand_compressed(c, /*fp_enabled=*/false), 0u) << std::hex << c;
    EXPECT_EQ(decode(c, DecodeOptions{.fp = false}).op, Op::kIllegal) << std::hex << c;
  }
}

// Every 16-bit parcel either expands to a legal base instruction or is illegal: nothing else.
TEST(Rvc, ExhaustiveParcelsExpandToLegalInstructionsOrNothing) {
  for (uint32_t c = 0; c < 0x10000; ++c) {
    if ((c & 3) == 3) continue;
    const uint32_t e = expand_compressed(static_cast<uint16_t>(c), true);
    const DecodedInsn d = decode(c);
    ASSERT_EQ(d.len, 2);
    if (e == 0) {
      ASSERT_EQ(d.op, Op::kIllegal) << std::hex << c;
    } else {
      ASSERT_EQ(e & 3, 3u) << std::hex << c;
      ASSERT_EQ(d.op, decode(e).op) << std::hex << c;
    }
  }
}

using test::MachineTest;
using namespace test;

TEST_F(MachineTest, CompressedCodeExecutesAndAdvancesPcByTwo) {
  // c.li a0, 17 ; c.addi a0, -32 ; c.mv a1, a0 ; c.slli a1, 1 (a1 = a1 << 1)
  code16({0x4545 /* c.li a0, 17 */, 0x1501 /* c.addi a0, -32 */, 0x85aa /* c.mv a1, a0 */,
          0x0586 /* c.slli a1, 1 */});
  EXPECT_EQ(run(4), 4u);
  EXPECT_EQ(x(a0), static_cast<uint64_t>(-15));
  EXPECT_EQ(x(a1), static_cast<uint64_t>(-30));
  EXPECT_EQ(hart().pc, kCode + 8);
}

TEST_F(MachineTest, CompressedJalrLinksPcPlusTwo) {
  code16({0x9502 /* c.jalr a0 */});
  x(a0) = kCode + 0x100;
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(hart().pc, kCode + 0x100);
  EXPECT_EQ(x(ra), kCode + 2);
}

TEST_F(MachineTest, IllegalCompressedParcelTrapsWithTheParcelInMtval) {
  install_handler();
  code16({0x0000});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kIllegalInsn);
  EXPECT_EQ(hart().mepc, kCode);
  EXPECT_EQ(hart().pc, kHandler);
}

}  // namespace
}  // namespace unitag
