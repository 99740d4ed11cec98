// The decoded form of one RISC-V instruction and the enumerations generated from the
// instruction table (machine/isa/*.inc). Decoding, disassembly and execution all read the
// same table, so an instruction is defined exactly once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace unitag {

// Operand layout: how fields and the immediate are extracted and printed.
enum class Format : uint8_t {
  R,       // rd, rs1, rs2
  I,       // rd, rs1, imm
  Load,    // rd, imm(rs1)
  S,       // rs2, imm(rs1)
  B,       // rs1, rs2, pc-relative target
  U,       // rd, imm << 12
  J,       // rd, pc-relative target
  Shift,   // rd, rs1, shamt (6 bits)
  ShiftW,  // rd, rs1, shamt (5 bits)
  Csr,     // rd, csr, rs1
  CsrI,    // rd, csr, uimm (in rs1)
  Amo,     // rd, rs2, (rs1)
  Lr,      // rd, (rs1)
  None,    // no operands
  Fence,   // pred, succ
  R4,      // rd, rs1, rs2, rs3 (fused multiply-add)
  FLoad,   // fd, imm(rs1)
  FStore,  // fs2, imm(rs1)
  FR,      // fd, fs1, fs2 (+rm)
  FR1,     // fd, fs1 (+rm)
  FToX,    // rd, fs1
  XToF,    // fd, rs1
  FCmp,    // rd, fs1, fs2
  Tag,     // custom-0 tag instructions: rd, rs1, rs2
};

// What an instruction does, at the granularity tag policies reason about (PUMP "opgroups").
enum class Group : uint8_t {
  Alu,     // integer arithmetic and logic; rd from rs1/rs2/imm
  MulDiv,  // M extension
  Load,    // integer load
  Store,   // integer store
  Branch,  // conditional branch
  Jal,     // direct jump and link
  Jalr,    // indirect jump and link (calls, returns, tail calls)
  Csr,     // Zicsr
  Amo,     // atomic read-modify-write
  LoadReserved,
  StoreConditional,
  Fence,
  FenceI,
  System,  // ecall, ebreak, mret, wfi
  FpAlu,   // F/D arithmetic, conversions, moves
  FpLoad,
  FpStore,
  TagOp,  // custom-0 tag instructions
  Illegal,
};

std::string_view group_name(Group g);
constexpr bool is_fp_group(Group g) {
  return g == Group::FpAlu || g == Group::FpLoad || g == Group::FpStore;
}

// One entry per instruction of the table, plus the two pseudo-ops the executor needs.
enum class Op : uint16_t {
  kUndecoded = 0,  // decode cache slot not yet filled
  kIllegal,        // decodes to an illegal-instruction trap
  kPageEnd,        // sentinel past the last slot of a decoded page: look up the next page
#define INSN(name, match, mask, fmt, group, body) name,
#include "machine/isa/table.inc"
#undef INSN
  kCount
};

// Which register file an operand field names (kNone: the field is not a register operand, e.g.
// the shamt in rs2's position, or a CSR-immediate in rs1's).
enum class RegFile : uint8_t { kNone, kX, kF };
enum class MemAccess : uint8_t { kNone, kRead, kWrite, kReadWrite };

// What an instruction reads and writes, derived from its table row (format, group, encoding):
// the one answer the decoder, the execute loop, the tracer and the tag engine all use.
struct Operands {
  RegFile rd = RegFile::kNone, rs1 = RegFile::kNone, rs2 = RegFile::kNone, rs3 = RegFile::kNone;
  MemAccess mem = MemAccess::kNone;  // a data access at x[rs1] + imm (imm is 0 for AMOs, LR/SC)
  uint8_t mem_bytes = 0;             // its width (1, 2, 4 or 8); 0 without one
  // May set the next PC itself (every other instruction falls through to the next slot).
  bool may_jump = false;
  // May end the block: interrupts must be evaluated right after it (CSR writes, mret, wfi).
  bool ends_block = false;

  constexpr bool reads_memory() const {
    return mem == MemAccess::kRead || mem == MemAccess::kReadWrite;
  }
  constexpr bool writes_memory() const {
    return mem == MemAccess::kWrite || mem == MemAccess::kReadWrite;
  }
  constexpr bool accesses_memory() const { return mem != MemAccess::kNone; }
  constexpr bool operator==(const Operands&) const = default;
};

// The register files of a format's operand fields: [rd, rs1, rs2, rs3].
constexpr Operands format_registers(Format f) {
  constexpr RegFile N = RegFile::kNone, X = RegFile::kX, F = RegFile::kF;
  auto regs = [](RegFile rd, RegFile rs1, RegFile rs2, RegFile rs3) {
    Operands o;
    o.rd = rd;
    o.rs1 = rs1;
    o.rs2 = rs2;
    o.rs3 = rs3;
    return o;
  };
  switch (f) {
    case Format::R:
    case Format::Amo:
    case Format::Tag:
      return regs(X, X, X, N);
    case Format::I:
    case Format::Load:
    case Format::Shift:
    case Format::ShiftW:
    case Format::Csr:
    case Format::Lr:
      return regs(X, X, N, N);
    case Format::CsrI:
    case Format::U:
    case Format::J:
      return regs(X, N, N, N);
    case Format::S:
    case Format::B:
      return regs(N, X, X, N);
    case Format::None:
    case Format::Fence:
      return regs(N, N, N, N);
    case Format::R4:
      return regs(F, F, F, F);
    case Format::FLoad:
      return regs(F, X, N, N);
    case Format::FStore:
      return regs(N, X, F, N);
    case Format::FR:
      return regs(F, F, F, N);
    case Format::FR1:
      return regs(F, F, N, N);
    case Format::FToX:
      return regs(X, F, N, N);
    case Format::XToF:
      return regs(F, X, N, N);
    case Format::FCmp:
      return regs(X, F, F, N);
  }
  return {};
}

constexpr MemAccess memory_access(Group g) {
  switch (g) {
    case Group::Load:
    case Group::FpLoad:
    case Group::LoadReserved:
      return MemAccess::kRead;
    case Group::Store:
    case Group::FpStore:
    case Group::StoreConditional:
      return MemAccess::kWrite;
    case Group::Amo:
      return MemAccess::kReadWrite;
    default:
      return MemAccess::kNone;
  }
}

constexpr Operands operands_of(Format f, Group g, uint32_t match) {
  Operands o = format_registers(f);
  o.mem = memory_access(g);
  // funct3's low two bits are log2 of the width for every RV64GC load, store and AMO (bit 2 is
  // the unsigned flag of lbu/lhu/lwu); compressed forms decode to these encodings.
  if (o.mem != MemAccess::kNone) o.mem_bytes = static_cast<uint8_t>(1u << (match >> 12 & 3));
  o.may_jump = g == Group::Branch || g == Group::Jal || g == Group::Jalr || g == Group::System ||
               g == Group::Csr || g == Group::FenceI || g == Group::TagOp;
  o.ends_block = g == Group::System || g == Group::Csr;
  return o;
}

struct InsnInfo {
  std::string_view mnemonic;
  uint32_t match;
  uint32_t mask;
  Format format;
  Group group;
  Operands operands;
};

// The instruction table as data, indexed by Op (pseudo-ops first).
inline constexpr InsnInfo kInsnTable[] = {
    {"<undecoded>", 0, 0, Format::None, Group::Illegal, {}},
    {"<illegal>", 0, 0, Format::None, Group::Illegal, {}},
    {"<page-end>", 0, 0, Format::None, Group::Illegal, {}},
#define INSN(name, match, mask, fmt, group, body) \
  {#name, match, mask, Format::fmt, Group::group, operands_of(Format::fmt, Group::group, match)},
#include "machine/isa/table.inc"
#undef INSN
};
static_assert(std::size(kInsnTable) == static_cast<size_t>(Op::kCount));

constexpr const InsnInfo& insn_info(Op op) { return kInsnTable[static_cast<size_t>(op)]; }

// x0 writes are redirected to this sink register so the executor needs no branch for them.
inline constexpr uint8_t kZeroSink = 32;

struct DecodedInsn {
  // Where the hook-free execute loop jumps for this op (set by the hart's decode cache), so
  // dispatch is one load and one jump.
  const void* handler = nullptr;
  Op op = Op::kUndecoded;
  uint8_t rd = 0;  // kZeroSink when the architectural rd is x0 and rd is an integer register
  uint8_t rs1 = 0;
  uint8_t rs2 = 0;
  uint8_t rs3 = 0;
  uint8_t len = 4;  // 2 for compressed instructions
  uint8_t rm = 0;   // FP rounding mode field, AMO aq/rl bits
  int32_t imm = 0;
  uint32_t raw = 0;  // the instruction bits as fetched (16 bits for compressed)
  // Left to the hart's hooks: set once when the instruction enters the decode cache (the tag
  // engine keeps the index of the instruction's code entry, which holds its instruction tag).
  uint32_t hook_data = 0;

  uint8_t arch_rd() const { return rd == kZeroSink ? 0 : rd; }
  Group group() const { return insn_info(op).group; }
  const Operands& operands() const { return insn_info(op).operands; }
};

}  // namespace unitag
