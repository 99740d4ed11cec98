#include "machine/isa/decoder.h"

#include <fmt/format.h>

#include <array>
#include <vector>

#include "machine/isa/encode.h"
#include "machine/isa/rvc.h"

namespace unitag {
namespace {

constexpr size_t kPseudoOps = static_cast<size_t>(Op::kPageEnd) + 1;
const auto& kInfo = kInsnTable;

// Mnemonic text: table names use '_' for '.', and a trailing '_' to dodge C++ keywords.
const std::array<std::string, static_cast<size_t>(Op::kCount)> kMnemonics = [] {
  std::array<std::string, static_cast<size_t>(Op::kCount)> m{};
  for (size_t i = 0; i < m.size(); ++i) {
    std::string s(kInfo[i].mnemonic);
    if (!s.empty() && s.back() == '_') s.pop_back();
    for (char& ch : s)
      if (ch == '_') ch = '.';
    m[i] = s;
  }
  return m;
}();

// Candidates per major opcode (bits 6:2), in table order.
const std::array<std::vector<Op>, 32> kByOpcode = [] {
  std::array<std::vector<Op>, 32> b{};
  for (size_t i = kPseudoOps; i < std::size(kInfo); ++i)
    b[(kInfo[i].match >> 2) & 31].push_back(Op(i));
  return b;
}();

constexpr uint32_t field(uint32_t v, int hi, int lo) {
  return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr int32_t sext(uint32_t v, int width) {
  return static_cast<int32_t>(v << (32 - width)) >> (32 - width);
}

bool writes_integer_rd(Format f) { return format_registers(f).rd == RegFile::kX; }

DecodedInsn decode32(uint32_t w, const DecodeOptions& options) {
  DecodedInsn d;
  d.raw = w;
  d.len = 4;
  d.op = Op::kIllegal;
  for (Op op : kByOpcode[(w >> 2) & 31]) {
    const InsnInfo& info = kInfo[static_cast<size_t>(op)];
    if ((w & info.mask) != info.match) continue;
    if (!options.fp && is_fp_group(info.group)) break;
    d.op = op;
    break;
  }
  if (d.op == Op::kIllegal) return d;
  const Format f = kInfo[static_cast<size_t>(d.op)].format;
  d.rd = static_cast<uint8_t>(field(w, 11, 7));
  d.rs1 = static_cast<uint8_t>(field(w, 19, 15));
  d.rs2 = static_cast<uint8_t>(field(w, 24, 20));
  d.rs3 = static_cast<uint8_t>(field(w, 31, 27));
  d.rm = static_cast<uint8_t>(field(w, 14, 12));
  switch (f) {
    case Format::I:
    case Format::Load:
    case Format::FLoad:
      d.imm = sext(field(w, 31, 20), 12);
      break;
    case Format::S:
    case Format::FStore:
      d.imm = sext(field(w, 31, 25) << 5 | field(w, 11, 7), 12);
      break;
    case Format::B:
      d.imm = sext(field(w, 31, 31) << 12 | field(w, 7, 7) << 11 | field(w, 30, 25) << 5 |
                       field(w, 11, 8) << 1,
                   13);
      break;
    case Format::U:
      d.imm = static_cast<int32_t>(w & 0xfffff000);
      break;
    case Format::J:
      d.imm = sext(field(w, 31, 31) << 20 | field(w, 19, 12) << 12 | field(w, 20, 20) << 11 |
                       field(w, 30, 21) << 1,
                   21);
      break;
    case Format::Shift:
      d.imm = static_cast<int32_t>(field(w, 25, 20));
      break;
    case Format::ShiftW:
      d.imm = static_cast<int32_t>(field(w, 24, 20));
      break;
    case Format::Csr:
    case Format::CsrI:
    case Format::Fence:
      d.imm = static_cast<int32_t>(field(w, 31, 20));
      break;
    case Format::Amo:
    case Format::Lr:
      d.rm = static_cast<uint8_t>(field(w, 26, 25));  // aq/rl
      break;
    default:
      break;
  }
  if (writes_integer_rd(f) && d.rd == 0) d.rd = kZeroSink;
  return d;
}

struct CompressedEntry {
  const char* name;
  uint16_t match;
  uint16_t mask;
  uint32_t (*expand)(uint32_t c, bool c_fp_enabled);
};

const CompressedEntry kCompressed[] = {
#define CINSN(name, match, mask, expansion)                            \
  {#name, match, mask, [](uint32_t c, bool c_fp_enabled) -> uint32_t { \
     using namespace rvc;                                              \
     (void)c;                                                          \
     (void)c_fp_enabled;                                               \
     return (expansion);                                               \
   }},
#include "machine/isa/rvc.inc"
#undef CINSN
};

}  // namespace

std::string_view group_name(Group g) {
  static constexpr std::string_view kNames[] = {
      "alu", "muldiv", "load",    "store",  "branch", "jal",     "jalr",     "csr", "amo",    "lr",
      "sc",  "fence",  "fence.i", "system", "fp-alu", "fp-load", "fp-store", "tag", "illegal"};
  return kNames[static_cast<size_t>(g)];
}

uint32_t expand_compressed(uint16_t c, bool fp_enabled) {
  for (const CompressedEntry& e : kCompressed)
    if ((c & e.mask) == e.match) return e.expand(c, fp_enabled);
  return 0;
}

const char* compressed_name(uint16_t c) {
  for (const CompressedEntry& e : kCompressed)
    if ((c & e.mask) == e.match) return e.name;
  return "c.?";
}

DecodedInsn decode(uint32_t bits, const DecodeOptions& options) {
  if (insn_length(bits) == 4) return decode32(bits, options);
  const uint16_t c = static_cast<uint16_t>(bits);
  const uint32_t expanded = expand_compressed(c, options.fp);
  DecodedInsn d;
  if (expanded != 0)
    d = decode32(expanded, options);
  else
    d.op = Op::kIllegal;
  d.len = 2;
  d.raw = c;
  return d;
}

const char* xreg_name(unsigned i) {
  static constexpr const char* kNames[] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
                                           "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
                                           "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
                                           "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  return i < 32 ? kNames[i] : "zero";
}

const char* freg_name(unsigned i) {
  static constexpr const char* kNames[] = {
      "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1", "fa0",
      "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4", "fs5",
      "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};
  return i < 32 ? kNames[i] : "?";
}

std::string disassemble(const DecodedInsn& d, uint64_t pc) {
  if (static_cast<size_t>(d.op) < kPseudoOps)
    return d.len == 2 ? fmt::format(".2byte 0x{:04x}", d.raw)
                      : fmt::format(".4byte 0x{:08x}", d.raw);
  const InsnInfo& info = insn_info(d.op);
  const std::string& m = kMnemonics[static_cast<size_t>(d.op)];
  const char* rd = xreg_name(d.arch_rd());
  const char* rs1 = xreg_name(d.rs1);
  const char* rs2 = xreg_name(d.rs2);
  switch (info.format) {
    case Format::R:
      return fmt::format("{} {}, {}, {}", m, rd, rs1, rs2);
    case Format::I:
    case Format::Shift:
    case Format::ShiftW:
      return fmt::format("{} {}, {}, {}", m, rd, rs1, d.imm);
    case Format::Load:
      return fmt::format("{} {}, {}({})", m, rd, d.imm, rs1);
    case Format::S:
      return fmt::format("{} {}, {}({})", m, rs2, d.imm, rs1);
    case Format::B:
      return fmt::format("{} {}, {}, 0x{:x}", m, rs1, rs2, pc + int64_t{d.imm});
    case Format::U:
      return fmt::format("{} {}, 0x{:x}", m, rd, static_cast<uint32_t>(d.imm) >> 12);
    case Format::J:
      return fmt::format("{} {}, 0x{:x}", m, rd, pc + int64_t{d.imm});
    case Format::Csr:
      return fmt::format("{} {}, 0x{:03x}, {}", m, rd, d.imm, rs1);
    case Format::CsrI:
      return fmt::format("{} {}, 0x{:03x}, {}", m, rd, d.imm, d.rs1);
    case Format::Amo:
      return fmt::format("{} {}, {}, ({})", m, rd, rs2, rs1);
    case Format::Lr:
      return fmt::format("{} {}, ({})", m, rd, rs1);
    case Format::Fence:
      return fmt::format("{} 0x{:x}, 0x{:x}", m, (d.imm >> 4) & 15, d.imm & 15);
    case Format::None:
      return std::string(m);
    case Format::R4:
      return fmt::format("{} {}, {}, {}, {}", m, freg_name(d.rd), freg_name(d.rs1),
                         freg_name(d.rs2), freg_name(d.rs3));
    case Format::FLoad:
      return fmt::format("{} {}, {}({})", m, freg_name(d.rd), d.imm, rs1);
    case Format::FStore:
      return fmt::format("{} {}, {}({})", m, freg_name(d.rs2), d.imm, rs1);
    case Format::FR:
      return fmt::format("{} {}, {}, {}", m, freg_name(d.rd), freg_name(d.rs1), freg_name(d.rs2));
    case Format::FR1:
      return fmt::format("{} {}, {}", m, freg_name(d.rd), freg_name(d.rs1));
    case Format::FToX:
      return fmt::format("{} {}, {}", m, rd, freg_name(d.rs1));
    case Format::XToF:
      return fmt::format("{} {}, {}", m, freg_name(d.rd), rs1);
    case Format::FCmp:
      return fmt::format("{} {}, {}, {}", m, rd, freg_name(d.rs1), freg_name(d.rs2));
    case Format::Tag:
      return fmt::format("{} {}, {}, {}", m, rd, rs1, rs2);
  }
  return std::string(m);
}

}  // namespace unitag
