// Decoding and disassembly: every table entry round-trips through the decoder, GNU as's
// encodings decode to the same instruction, and anything no entry matches is illegal.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "machine/isa/decoder.h"

namespace unitag {
namespace {

// The first table entry: the pseudo-ops before it (undecoded, illegal, ...) have no mask.
const size_t kFirstOp = [] {
  size_t i = 0;
  while (i < static_cast<size_t>(Op::kCount) && insn_info(Op(i)).mask == 0) ++i;
  return i;
}();
size_t op_count() { return static_cast<size_t>(Op::kCount); }

// The entries whose match/mask accept `w`.
bool some_entry_matches(uint32_t w, const DecodeOptions& options) {
  for (size_t i = kFirstOp; i < op_count(); ++i) {
    const InsnInfo& info = insn_info(Op(i));
    const bool fp =
        info.group == Group::FpAlu || info.group == Group::FpLoad || info.group == Group::FpStore;
    if (fp && !options.fp) continue;
    if ((w & info.mask) == info.match) return true;
  }
  return false;
}

TEST(Decode, EveryTableEntryIsConsistent) {
  EXPECT_EQ(Op(kFirstOp), Op::lui) << "the table starts with RV64I's lui";
  for (size_t i = kFirstOp; i < op_count(); ++i) {
    const InsnInfo& info = insn_info(Op(i));
    SCOPED_TRACE(std::string(info.mnemonic));
    EXPECT_EQ(info.match & ~info.mask, 0u) << "match has bits outside the mask";
    EXPECT_EQ(info.match & 3, 3u) << "a 32-bit encoding must have its low two bits set";
    EXPECT_EQ(info.mask & 0x7f, 0x7fu) << "the mask must pin the major opcode";
  }
}

TEST(Decode, EveryEntryDecodesToItself) {
  for (size_t i = kFirstOp; i < op_count(); ++i) {
    const InsnInfo& info = insn_info(Op(i));
    const DecodedInsn d = decode(info.match);
    EXPECT_EQ(d.op, Op(i)) << info.mnemonic << " (0x" << std::hex << info.match << ") decoded as "
                           << insn_info(d.op).mnemonic;
    EXPECT_EQ(d.len, 4);
    EXPECT_EQ(d.raw, info.match);
  }
}

// With the free bits (operands) filled at random, an entry still decodes to itself, unless a
// more specific entry (a strict superset mask) claims the word.
TEST(Decode, EveryEntryDecodesToItselfWithRandomOperands) {
  std::mt19937 rng(12345);
  for (size_t i = kFirstOp; i < op_count(); ++i) {
    const InsnInfo& info = insn_info(Op(i));
    for (int k = 0; k < 200; ++k) {
      const uint32_t w = (rng() & ~info.mask) | info.match;
      const DecodedInsn d = decode(w);
      if (d.op == Op(i)) {
        const unsigned rd = (w >> 7) & 31;
        const bool writes_x = d.rd == kZeroSink || d.rd == rd;
        EXPECT_TRUE(writes_x) << info.mnemonic;
        if (d.rd == kZeroSink) {
          EXPECT_EQ(rd, 0u);
          EXPECT_EQ(d.arch_rd(), 0u);
        }
        continue;
      }
      ASSERT_NE(d.op, Op::kIllegal) << info.mnemonic << " 0x" << std::hex << w;
      const InsnInfo& other = insn_info(d.op);
      EXPECT_EQ(w & other.mask, other.match);
      EXPECT_EQ(other.mask & info.mask, info.mask) << info.mnemonic << " 0x" << std::hex << w
                                                   << " taken by less specific " << other.mnemonic;
    }
  }
}

// The decoder says "illegal" exactly when no table entry matches, over many random words.
TEST(Decode, IllegalExactlyWhenNoEntryMatches) {
  std::mt19937 rng(777);
  for (const bool fp : {true, false}) {
    const DecodeOptions options{.fp = fp};
    for (int k = 0; k < 200000; ++k) {
      const uint32_t w = rng() | 3;  // 32-bit encodings only
      const DecodedInsn d = decode(w, options);
      ASSERT_EQ(d.op == Op::kIllegal, !some_entry_matches(w, options))
          << "0x" << std::hex << w << " decoded as " << insn_info(d.op).mnemonic;
      if (d.op != Op::kIllegal) {
        const InsnInfo& info = insn_info(d.op);
        ASSERT_EQ(w & info.mask, info.match);
      }
    }
  }
}

TEST(Decode, KnownUnimplementedEncodingsAreIllegal) {
  const uint32_t illegal[] = {
      0xffffffff,           // reserved for >32-bit encodings
      0x0000007f,           // 64-bit instruction prefix
      0x00002063,           // branch with funct3 2
      0x00002067,           // jalr with funct3 2
      0x0000700f,           // misc-mem funct3 7
      0x06000033,           // op with funct7 3
      0x08001013,           // slli with imm[11:6] != 0
      0x0200101b,           // slliw with shamt[5] set (reserved on RV64)
      0x4000001b | 0x1000,  // slliw with funct7 0x20
      0x10200073 | 0x80,    // sret with rd != 0
      0x12000073 | 0x80,    // sfence.vma with rd != 0
      0x1010202f,           // lr.w with rs2 != 0
      0x0000002f,           // AMO with funct3 0
      0x0000402f,           // AMO with funct3 4
      0x00007003,           // load funct3 7
      0x00004023,           // store funct3 4
      0x00004073,           // system funct3 4
      0x00200073,           // ecall/ebreak space with imm 2 (uret is not implemented)
      0x0000700b,           // custom-0 funct3 7 (no tag instruction there)
  };
  for (uint32_t w : illegal) {
    const DecodedInsn d = decode(w);
    if (some_entry_matches(w, {})) continue;  // a later extension claimed it: still consistent
    EXPECT_EQ(d.op, Op::kIllegal) << "0x" << std::hex << w << " decoded as "
                                  << insn_info(d.op).mnemonic;
    EXPECT_EQ(disassemble(d, 0), fmt::format(".4byte 0x{:08x}", w));
  }
}

// Encodings produced by GNU as (riscv64-unknown-elf-as -march=rv64imac, objdump -M no-aliases).
struct GnuVector {
  uint64_t pc;
  uint32_t bits;
  const char* text;  // objdump's text: "mnemonic op,op,op"
};
constexpr GnuVector kGnu[] = {
    {0x0, 0x12345537, "lui a0,0x12345"},
    {0x4, 0xfffff317, "auipc t1,0xfffff"},
    {0x8, 0x001000ef, "jal ra,808"},
    {0xc, 0xfff78467, "jalr s0,-1(a5)"},
    {0x10, 0x80b50063, "beq a0,a1,fffffffffffff010"},
    {0x14, 0x7e629fe3, "bne t0,t1,1012"},
    {0x18, 0x01394463, "blt s2,s3,20"},
    {0x1c, 0xfef75fe3, "bge a4,a5,1a"},
    {0x20, 0x01efe863, "bltu t6,t5,30"},
    {0x24, 0x0220f063, "bgeu ra,sp,44"},
    {0x28, 0x80010503, "lb a0,-2048(sp)"},
    {0x2c, 0x7ff61583, "lh a1,2047(a2)"},
    {0x30, 0x004eae03, "lw t3,4(t4)"},
    {0x34, 0xff8d3d83, "ld s11,-8(s10)"},
    {0x38, 0x00134283, "lbu t0,1(t1)"},
    {0x3c, 0x00245383, "lhu t2,2(s0)"},
    {0x40, 0x00c56483, "lwu s1,12(a0)"},
    {0x44, 0xfea58fa3, "sb a0,-1(a1)"},
    {0x48, 0x7ec69fa3, "sh a2,2047(a3)"},
    {0x4c, 0x80532023, "sw t0,-2048(t1)"},
    {0x50, 0x00813423, "sd s0,8(sp)"},
    {0x54, 0xfff58513, "addi a0,a1,-1"},
    {0x58, 0x0056a613, "slti a2,a3,5"},
    {0x5c, 0xffb7b713, "sltiu a4,a5,-5"},
    {0x60, 0x7ff34293, "xori t0,t1,2047"},
    {0x64, 0x800e6393, "ori t2,t3,-2048"},
    {0x68, 0x00ff7e93, "andi t4,t5,15"},
    {0x6c, 0x03f51513, "slli a0,a0,0x3f"},
    {0x70, 0x02165593, "srli a1,a2,0x21"},
    {0x74, 0x40175693, "srai a3,a4,0x1"},
    {0x78, 0x013904b3, "add s1,s2,s3"},
    {0x7c, 0x416a8a33, "sub s4,s5,s6"},
    {0x80, 0x019c1bb3, "sll s7,s8,s9"},
    {0x84, 0x01fdad33, "slt s10,s11,t6"},
    {0x88, 0x00b03533, "sltu a0,zero,a1"},
    {0x8c, 0x00e6c633, "xor a2,a3,a4"},
    {0x90, 0x011857b3, "srl a5,a6,a7"},
    {0x94, 0x407352b3, "sra t0,t1,t2"},
    {0x98, 0x01eeee33, "or t3,t4,t5"},
    {0x9c, 0x00b57fb3, "and t6,a0,a1"},
    {0xa0, 0x8005851b, "addiw a0,a1,-2048"},
    {0xa4, 0x01f6961b, "slliw a2,a3,0x1f"},
    {0xa8, 0x0117d71b, "srliw a4,a5,0x11"},
    {0xac, 0x4038d81b, "sraiw a6,a7,0x3"},
    {0xb0, 0x0124843b, "addw s0,s1,s2"},
    {0xb4, 0x415a09bb, "subw s3,s4,s5"},
    {0xb8, 0x018b9b3b, "sllw s6,s7,s8"},
    {0xbc, 0x01bd5cbb, "srlw s9,s10,s11"},
    {0xc0, 0x41eede3b, "sraw t3,t4,t5"},
    {0xc4, 0x0310000f, "fence rw,w"},
    {0xc8, 0x0000100f, "fence.i"},
    {0xcc, 0x02c58533, "mul a0,a1,a2"},
    {0xd0, 0x02f716b3, "mulh a3,a4,a5"},
    {0xd4, 0x0258a833, "mulhsu a6,a7,t0"},
    {0xd8, 0x03c3b333, "mulhu t1,t2,t3"},
    {0xdc, 0x03ff4eb3, "div t4,t5,t6"},
    {0xe0, 0x0324d433, "divu s0,s1,s2"},
    {0xe4, 0x035a69b3, "rem s3,s4,s5"},
    {0xe8, 0x038bfb33, "remu s6,s7,s8"},
    {0xec, 0x02c5853b, "mulw a0,a1,a2"},
    {0xf0, 0x02f746bb, "divw a3,a4,a5"},
    {0xf4, 0x0288d83b, "divuw a6,a7,s0"},
    {0xf8, 0x033964bb, "remw s1,s2,s3"},
    {0xfc, 0x036afa3b, "remuw s4,s5,s6"},
    {0x100, 0x30059573, "csrrw a0,mstatus,a1"},
    {0x104, 0x3046a673, "csrrs a2,mie,a3"},
    {0x108, 0x3057b773, "csrrc a4,mtvec,a5"},
    {0x10c, 0x340fd873, "csrrwi a6,mscratch,31"},
    {0x110, 0x3410e8f3, "csrrsi a7,mepc,1"},
    {0x114, 0x342872f3, "csrrci t0,mcause,16"},
    {0x118, 0x00000073, "ecall"},
    {0x11c, 0x00100073, "ebreak"},
    {0x120, 0x30200073, "mret"},
    {0x124, 0x10500073, "wfi"},
    {0x128, 0x1005a52f, "lr.w a0,(a1)"},
    {0x12c, 0x1406b62f, "lr.d.aq a2,(a3)"},
    {0x130, 0x18f8272f, "sc.w a4,a5,(a6)"},
    {0x134, 0x1a84b8af, "sc.d.rl a7,s0,(s1)"},
    {0x138, 0x08b6252f, "amoswap.w a0,a1,(a2)"},
    {0x13c, 0x00e7a6af, "amoadd.w a3,a4,(a5)"},
    {0x140, 0x2112a82f, "amoxor.w a6,a7,(t0)"},
    {0x144, 0x607e232f, "amoand.w t1,t2,(t3)"},
    {0x148, 0x41efaeaf, "amoor.w t4,t5,(t6)"},
    {0x14c, 0x8099242f, "amomin.w s0,s1,(s2)"},
    {0x150, 0xa14aa9af, "amomax.w s3,s4,(s5)"},
    {0x154, 0xc17c2b2f, "amominu.w s6,s7,(s8)"},
    {0x158, 0xe1adacaf, "amomaxu.w s9,s10,(s11)"},
    {0x15c, 0x0eb6352f, "amoswap.d.aqrl a0,a1,(a2)"},
    {0x160, 0x00e7b6af, "amoadd.d a3,a4,(a5)"},
    {0x164, 0x2112b82f, "amoxor.d a6,a7,(t0)"},
    {0x168, 0x607e332f, "amoand.d t1,t2,(t3)"},
    {0x16c, 0x41efbeaf, "amoor.d t4,t5,(t6)"},
    {0x170, 0x8099342f, "amomin.d s0,s1,(s2)"},
    {0x174, 0xa14ab9af, "amomax.d s3,s4,(s5)"},
    {0x178, 0xc17c3b2f, "amominu.d s6,s7,(s8)"},
    {0x17c, 0xe1adbcaf, "amomaxu.d s9,s10,(s11)"},
};

std::string strip_ordering_suffix(std::string m) {
  for (const char* s : {".aqrl", ".aq", ".rl"}) {
    const std::string suffix(s);
    if (m.size() > suffix.size() && m.compare(m.size() - suffix.size(), suffix.size(), suffix) == 0)
      return m.substr(0, m.size() - suffix.size());
  }
  return m;
}

std::string without_spaces_after_commas(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == ' ' && i > 0 && s[i - 1] == ',')) out += s[i];
  return out;
}

TEST(Decode, GnuAssemblerEncodingsDecodeToTheSameInstruction) {
  for (const GnuVector& v : kGnu) {
    SCOPED_TRACE(v.text);
    const DecodedInsn d = decode(v.bits);
    ASSERT_NE(d.op, Op::kIllegal);
    const std::string gnu(v.text);
    const std::string gnu_mnemonic = strip_ordering_suffix(gnu.substr(0, gnu.find(' ')));
    const std::string ours = disassemble(d, v.pc);
    EXPECT_EQ(ours.substr(0, ours.find(' ')), gnu_mnemonic);
    // Operand text agrees wherever both print registers and decimal offsets the same way.
    switch (insn_info(d.op).format) {
      case Format::R:
      case Format::I:
      case Format::Load:
      case Format::S:
      case Format::Amo:
      case Format::Lr:
      case Format::None:
        if (d.group() != Group::Amo && d.group() != Group::LoadReserved &&
            d.group() != Group::StoreConditional && d.group() != Group::Jalr) {
          EXPECT_EQ(without_spaces_after_commas(ours), gnu);
        }
        break;
      default:
        break;
    }
  }
}

TEST(Decode, OperandFieldsOfGnuVectors) {
  // jal ra,808 at 0x8: offset 0x800
  DecodedInsn d = decode(0x001000ef);
  EXPECT_EQ(d.op, Op::jal);
  EXPECT_EQ(d.rd, 1);
  EXPECT_EQ(d.imm, 0x800);
  // beq a0,a1,-4096 at 0x10
  d = decode(0x80b50063);
  EXPECT_EQ(d.imm, -4096);
  // bne t0,t1,+4094
  d = decode(0x7e629fe3);
  EXPECT_EQ(d.imm, 4094);
  // sw t0,-2048(t1)
  d = decode(0x80532023);
  EXPECT_EQ(d.imm, -2048);
  EXPECT_EQ(d.rs1, 6);
  EXPECT_EQ(d.rs2, 5);
  // slli a0,a0,63: the 6-bit shamt
  d = decode(0x03f51513);
  EXPECT_EQ(d.imm, 63);
  // auipc t1,0xfffff: the U immediate keeps its sign
  d = decode(0xfffff317);
  EXPECT_EQ(d.imm, -4096);
  // csrrw a0,mstatus,a1: the CSR number is the immediate
  d = decode(0x30059573);
  EXPECT_EQ(d.imm, 0x300);
  // amoswap.d.aqrl: aq/rl kept in rm
  d = decode(0x0eb6352f);
  EXPECT_EQ(d.rm, 3);
}

TEST(Disassemble, ReadsLikeTheSpecification) {
  EXPECT_EQ(disassemble(decode(0xfff58513), 0), "addi a0, a1, -1");
  EXPECT_EQ(disassemble(decode(0xff8d3d83), 0), "ld s11, -8(s10)");
  EXPECT_EQ(disassemble(decode(0x80532023), 0), "sw t0, -2048(t1)");
  EXPECT_EQ(disassemble(decode(0x80b50063), 0x80001010), "beq a0, a1, 0x80000010");
  EXPECT_EQ(disassemble(decode(0x001000ef), 0x80000000), "jal ra, 0x80000800");
  EXPECT_EQ(disassemble(decode(0x12345537), 0), "lui a0, 0x12345");
  EXPECT_EQ(disassemble(decode(0x00e6c633), 0), "xor a2, a3, a4");
  EXPECT_EQ(disassemble(decode(0x30059573), 0), "csrrw a0, 0x300, a1");
  EXPECT_EQ(disassemble(decode(0x340fd873), 0), "csrrwi a6, 0x340, 31");
  EXPECT_EQ(disassemble(decode(0x00e7a6af), 0), "amoadd.w a3, a4, (a5)");
  EXPECT_EQ(disassemble(decode(0x1005a52f), 0), "lr.w a0, (a1)");
  EXPECT_EQ(disassemble(decode(0x0000100f), 0), "fence.i");
  EXPECT_EQ(disassemble(decode(0x30200073), 0), "mret");
  EXPECT_EQ(disassemble(decode(0x00000013), 0), "addi zero, zero, 0");
  // Compressed instructions print as their expansion; illegal ones as data.
  EXPECT_EQ(disassemble(decode(0x852e), 0), "add a0, zero, a1");  // c.mv a0, a1
  EXPECT_EQ(disassemble(decode(0x0000), 0), ".2byte 0x0000");
  EXPECT_EQ(disassemble(decode(0xffffffff), 0), ".4byte 0xffffffff");
}

TEST(Decode, GroupsOfRepresentativeInstructions) {
  EXPECT_EQ(decode(0x00b50533).group(), Group::Alu);     // add
  EXPECT_EQ(decode(0x02c58533).group(), Group::MulDiv);  // mul
  EXPECT_EQ(decode(0x004eae03).group(), Group::Load);    // lw
  EXPECT_EQ(decode(0x00813423).group(), Group::Store);   // sd
  EXPECT_EQ(decode(0x80b50063).group(), Group::Branch);  // beq
  EXPECT_EQ(decode(0x001000ef).group(), Group::Jal);
  EXPECT_EQ(decode(0x00008067).group(), Group::Jalr);  // ret
  EXPECT_EQ(decode(0x30059573).group(), Group::Csr);
  EXPECT_EQ(decode(0x00e7a6af).group(), Group::Amo);
  EXPECT_EQ(decode(0x1005a52f).group(), Group::LoadReserved);
  EXPECT_EQ(decode(0x18f8272f).group(), Group::StoreConditional);
  EXPECT_EQ(decode(0x0000100f).group(), Group::FenceI);
  EXPECT_EQ(decode(0x00000073).group(), Group::System);  // ecall
  EXPECT_EQ(group_name(Group::Amo), "amo");
}

}  // namespace
}  // namespace unitag
