// Decoding: raw instruction bits to DecodedInsn, driven by the instruction table; and the
// disassembler that prints a DecodedInsn, driven by the same table.
#pragma once

#include <cstdint>
#include <string>

#include "machine/isa/insn.h"

namespace unitag {

struct DecodeOptions {
  bool fp = true;  // F and D implemented (otherwise FP encodings decode as illegal)
};

// Decodes one instruction. `bits` holds at least the low 16 bits; the upper 16 are only read
// when the low two bits say the instruction is 32 bits long. Unknown encodings give Op::kIllegal.
DecodedInsn decode(uint32_t bits, const DecodeOptions& options = {});

// Length in bytes of the instruction whose low 16 bits are `low`.
constexpr unsigned insn_length(uint32_t low) { return (low & 3) == 3 ? 4 : 2; }

// "addi a0, a0, 1" style text (no address); `pc` resolves pc-relative targets.
std::string disassemble(const DecodedInsn& d, uint64_t pc);

// The register files of a format's operand fields (Operands::rd..rs3; the rest is left empty).
using OperandFiles = Operands;
constexpr OperandFiles operand_files(Format f) { return format_registers(f); }

// ABI name of integer register i (x0..x31) and of FP register i.
const char* xreg_name(unsigned i);
const char* freg_name(unsigned i);

}  // namespace unitag
