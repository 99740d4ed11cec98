// The operand table (machine/isa/insn.h: Operands) against the RISC-V specification, restated
// here by hand: which fields of each format name registers of which file, what every load,
// store, AMO and LR/SC accesses and how wide, and which instructions may jump or end a block.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "machine/isa/decoder.h"
#include "machine/isa/insn.h"

namespace unitag {
namespace {

constexpr RegFile N = RegFile::kNone, X = RegFile::kX, F = RegFile::kF;

const char* file_name(RegFile f) { return f == X ? "x" : f == F ? "f" : "none"; }
const char* access_name(MemAccess m) {
  switch (m) {
    case MemAccess::kRead:
      return "read";
    case MemAccess::kWrite:
      return "write";
    case MemAccess::kReadWrite:
      return "read-write";
    default:
      return "none";
  }
}

// The unprivileged specification's operand layouts (RV64I, M, A, F, D, Zicsr, and the custom-0
// tag instructions of docs/tag-isa.md). A field that holds an immediate (a shift amount in rs2's
// place, a CSR's uimm in rs1's, an FP conversion's selector in rs2's) is not a register.
struct FormatSpec {
  Format format;
  std::string_view name;
  RegFile rd, rs1, rs2, rs3;
};
constexpr FormatSpec kFormatSpecs[] = {
    {Format::R, "R", X, X, X, N},           {Format::I, "I", X, X, N, N},
    {Format::Load, "Load", X, X, N, N},     {Format::S, "S", N, X, X, N},
    {Format::B, "B", N, X, X, N},           {Format::U, "U", X, N, N, N},
    {Format::J, "J", X, N, N, N},           {Format::Shift, "Shift", X, X, N, N},
    {Format::ShiftW, "ShiftW", X, X, N, N}, {Format::Csr, "Csr", X, X, N, N},
    {Format::CsrI, "CsrI", X, N, N, N},     {Format::Amo, "Amo", X, X, X, N},
    {Format::Lr, "Lr", X, X, N, N},         {Format::None, "None", N, N, N, N},
    {Format::Fence, "Fence", N, N, N, N},   {Format::R4, "R4", F, F, F, F},
    {Format::FLoad, "FLoad", F, X, N, N},   {Format::FStore, "FStore", N, X, F, N},
    {Format::FR, "FR", F, F, F, N},         {Format::FR1, "FR1", F, F, N, N},
    {Format::FToX, "FToX", X, F, N, N},     {Format::XToF, "XToF", F, X, N, N},
    {Format::FCmp, "FCmp", X, F, F, N},     {Format::Tag, "Tag", X, X, X, N},
};

const FormatSpec* spec_of(Format f) {
  for (const FormatSpec& s : kFormatSpecs)
    if (s.format == f) return &s;
  return nullptr;
}

// Every data access of RV64GC except the AMOs (below): mnemonic, kind, bytes.
struct AccessSpec {
  std::string_view mnemonic;
  MemAccess access;
  unsigned bytes;
};
constexpr MemAccess kR = MemAccess::kRead, kW = MemAccess::kWrite;
constexpr AccessSpec kAccessSpecs[] = {
    {"lb", kR, 1},   {"lbu", kR, 1},  {"lh", kR, 2},   {"lhu", kR, 2},  {"lw", kR, 4},
    {"lwu", kR, 4},  {"ld", kR, 8},   {"sb", kW, 1},   {"sh", kW, 2},   {"sw", kW, 4},
    {"sd", kW, 8},   {"flw", kR, 4},  {"fld", kR, 8},  {"fsw", kW, 4},  {"fsd", kW, 8},
    {"lr_w", kR, 4}, {"lr_d", kR, 8}, {"sc_w", kW, 4}, {"sc_d", kW, 8},
};

// The real instructions of the table (past the pseudo-ops), each with its mnemonic.
template <class Fn>
void for_each_instruction(Fn fn) {
  for (size_t i = static_cast<size_t>(Op::kPageEnd) + 1; i < static_cast<size_t>(Op::kCount); ++i)
    fn(kInsnTable[i]);
}

bool table_has(std::string_view mnemonic) {
  bool found = false;
  for_each_instruction([&](const InsnInfo& info) { found |= info.mnemonic == mnemonic; });
  return found;
}

TEST(OperandTable, EveryFormatHasOneSpecification) {
  std::set<Format> seen;
  for (const FormatSpec& s : kFormatSpecs) EXPECT_TRUE(seen.insert(s.format).second) << s.name;
  EXPECT_EQ(seen.size(), static_cast<size_t>(Format::Tag) + 1) << "a Format has no spec row here";
}

TEST(OperandTable, RegisterFilesFollowTheFormat) {
  for_each_instruction([](const InsnInfo& info) {
    const FormatSpec* spec = spec_of(info.format);
    ASSERT_NE(spec, nullptr) << info.mnemonic;
    const Operands& o = info.operands;
    EXPECT_EQ(o.rd, spec->rd) << info.mnemonic << " (" << spec->name << ") rd is "
                              << file_name(o.rd) << ", the spec says " << file_name(spec->rd);
    EXPECT_EQ(o.rs1, spec->rs1) << info.mnemonic << " (" << spec->name << ") rs1 is "
                                << file_name(o.rs1) << ", the spec says " << file_name(spec->rs1);
    EXPECT_EQ(o.rs2, spec->rs2) << info.mnemonic << " (" << spec->name << ") rs2 is "
                                << file_name(o.rs2) << ", the spec says " << file_name(spec->rs2);
    EXPECT_EQ(o.rs3, spec->rs3) << info.mnemonic << " (" << spec->name << ") rs3 is "
                                << file_name(o.rs3) << ", the spec says " << file_name(spec->rs3);
  });
}

// The moves between the files that a pointer can take, and fmadd's third source, by name: a
// misfiled row (e.g. fmv.x.d as FR) would give them the wrong files even with a right format.
TEST(OperandTable, MovesBetweenFilesAndFusedSourcesAreFiledRight) {
  auto files = [](Op op) {
    const Operands& o = insn_info(op).operands;
    return std::string(file_name(o.rd)) + " " + file_name(o.rs1) + " " + file_name(o.rs2) + " " +
           file_name(o.rs3);
  };
  EXPECT_EQ(files(Op::fmv_x_d), "x f none none");
  EXPECT_EQ(files(Op::fmv_d_x), "f x none none");
  EXPECT_EQ(files(Op::fmv_x_w), "x f none none");
  EXPECT_EQ(files(Op::fmv_w_x), "f x none none");
  EXPECT_EQ(files(Op::fcvt_d_l), "f x none none");
  EXPECT_EQ(files(Op::fcvt_l_d), "x f none none");
  EXPECT_EQ(files(Op::fsgnj_d), "f f f none");
  EXPECT_EQ(files(Op::feq_d), "x f f none");
  EXPECT_EQ(files(Op::fsd), "none x f none");
  EXPECT_EQ(files(Op::fld), "f x none none");
  EXPECT_EQ(files(Op::fmadd_d), "f f f f");
  EXPECT_EQ(files(Op::fnmsub_s), "f f f f");
}

TEST(OperandTable, MemoryAccessKindAndWidth) {
  for (const AccessSpec& a : kAccessSpecs) EXPECT_TRUE(table_has(a.mnemonic)) << a.mnemonic;
  unsigned amos = 0;
  for_each_instruction([&](const InsnInfo& info) {
    MemAccess access = MemAccess::kNone;
    unsigned bytes = 0;
    for (const AccessSpec& a : kAccessSpecs)
      if (a.mnemonic == info.mnemonic) {
        access = a.access;
        bytes = a.bytes;
      }
    if (info.mnemonic.starts_with("amo")) {  // every AMO reads and writes its word
      ++amos;
      access = MemAccess::kReadWrite;
      bytes = info.mnemonic.ends_with("_w") ? 4 : info.mnemonic.ends_with("_d") ? 8 : 0;
    }
    const Operands& o = info.operands;
    EXPECT_EQ(o.mem, access) << info.mnemonic << " accesses memory as " << access_name(o.mem)
                             << ", the spec says " << access_name(access);
    EXPECT_EQ(o.mem_bytes, bytes) << info.mnemonic;
    EXPECT_EQ(o.reads_memory(), access == kR || access == MemAccess::kReadWrite) << info.mnemonic;
    EXPECT_EQ(o.writes_memory(), access == kW || access == MemAccess::kReadWrite) << info.mnemonic;
    EXPECT_EQ(o.accesses_memory(), access != MemAccess::kNone) << info.mnemonic;
  });
  EXPECT_EQ(amos, 18u) << "nine AMOs, in .w and .d";
}

// Control flow: what may set the next PC itself (branches, jumps, traps and returns, CSR writes
// that may raise an interrupt, fence.i's refetch, tag instructions' violations), and what must
// end a block so interrupts are taken right after it.
TEST(OperandTable, MayJumpAndEndsBlockExactly) {
  const std::set<std::string_view> ends_block = {"ecall", "ebreak",     "mret",   "sret",
                                                 "wfi",   "sfence_vma", "csrrw",  "csrrs",
                                                 "csrrc", "csrrwi",     "csrrsi", "csrrci"};
  std::set<std::string_view> may_jump = {
      "beq",        "bne",      "blt",       "bge",      "bltu",     "bgeu",      "jal",
      "jalr",       "fence_i",  "tag_alloc", "tag_free", "tag_get",  "tag_bound", "tag_settype",
      "tag_typeof", "tag_tadd", "tag_tsub",  "tag_tlt",  "tag_image"};
  may_jump.insert(ends_block.begin(), ends_block.end());
  for (std::string_view m : may_jump) EXPECT_TRUE(table_has(m)) << m;
  for_each_instruction([&](const InsnInfo& info) {
    EXPECT_EQ(info.operands.may_jump, may_jump.contains(info.mnemonic)) << info.mnemonic;
    EXPECT_EQ(info.operands.ends_block, ends_block.contains(info.mnemonic)) << info.mnemonic;
  });
}

TEST(OperandTable, EveryRowIsDerivedFromItsFormatGroupAndEncoding) {
  for (size_t i = 0; i <= static_cast<size_t>(Op::kPageEnd); ++i)
    EXPECT_EQ(kInsnTable[i].operands, Operands{}) << kInsnTable[i].mnemonic;
  for_each_instruction([](const InsnInfo& info) {
    EXPECT_EQ(info.operands, operands_of(info.format, info.group, info.match)) << info.mnemonic;
  });
}

// Compressed instructions expand to base encodings, so they carry the base row's operands.
TEST(OperandTable, CompressedFormsShareTheirBaseRow) {
  struct Case {
    uint16_t parcel;
    Op op;
    MemAccess access;
    unsigned bytes;
    RegFile data;  // the file of the loaded or stored register
  };
  const Case cases[] = {
      {0x4290, Op::lw, kR, 4, X},   // c.lw a2, 0(a3)
      {0xfe64, Op::sd, kW, 8, X},   // c.sd s1, 248(a2)
      {0x2588, Op::fld, kR, 8, F},  // c.fld fa0, 8(a1)
      {0xbfe4, Op::fsd, kW, 8, F},  // c.fsd fs1, 248(a5)
  };
  for (const Case& c : cases) {
    const DecodedInsn d = decode(c.parcel);
    ASSERT_EQ(d.op, c.op) << disassemble(d, 0);
    EXPECT_EQ(d.len, 2u);
    EXPECT_EQ(d.operands().mem, c.access) << disassemble(d, 0);
    EXPECT_EQ(d.operands().mem_bytes, c.bytes) << disassemble(d, 0);
    EXPECT_EQ(c.access == kR ? d.operands().rd : d.operands().rs2, c.data) << disassemble(d, 0);
    EXPECT_EQ(d.operands().rs1, X) << disassemble(d, 0);
  }
}

}  // namespace
}  // namespace unitag
