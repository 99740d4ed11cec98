// The decoded form of one RISC-V instruction and the enumerations generated from the
// instruction table (machine/isa/*.inc). Decoding, disassembly and execution all read the
// same table, so an instruction is defined exactly once.
#pragma once

#include <cstdint>
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

struct InsnInfo {
  std::string_view mnemonic;
  uint32_t match;
  uint32_t mask;
  Format format;
  Group group;
};

// Table metadata indexed by Op.
const InsnInfo& insn_info(Op op);

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
  uint32_t tag = 0;  // instruction tag (CI) for tag policies; fixed once code is loaded

  uint8_t arch_rd() const { return rd == kZeroSink ? 0 : rd; }
  Group group() const { return insn_info(op).group; }
};

}  // namespace unitag
