// Test harness for the F and D extensions: executes single real instructions on a Hart of a
// small Machine and exposes its FP state. Encoders build the instructions from spec fields.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "machine/isa/encode.h"
#include "machine/isa/fp.h"
#include "machine/machine.h"

namespace unitag::fptest {

enum Fmt : uint32_t { S = 0, D = 1 };
inline constexpr unsigned kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4, kDyn = 7;
inline constexpr uint32_t NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

// OP-FP: funct5 | fmt | rs2 | rs1 | rm | rd | 0x53.
constexpr uint32_t op_fp(uint32_t funct5, Fmt fmt, unsigned rd, unsigned rs1, unsigned rs2,
                         unsigned rm) {
  return 0x53 | rd << 7 | rm << 12 | rs1 << 15 | rs2 << 20 | uint32_t{fmt} << 25 | funct5 << 27;
}
enum Funct5 : uint32_t {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kSgnj = 4,
  kMinMax = 5,
  kCvtFF = 8,
  kSqrt = 11,
  kCmp = 20,
  kCvtToInt = 24,
  kCvtFromInt = 26,
  kMvToX = 28,
  kMvFromX = 30
};
// fmadd 0x43, fmsub 0x47, fnmsub 0x4b, fnmadd 0x4f.
constexpr uint32_t r4(uint32_t opcode, Fmt fmt, unsigned rd, unsigned rs1, unsigned rs2,
                      unsigned rs3, unsigned rm) {
  return opcode | rd << 7 | rm << 12 | rs1 << 15 | rs2 << 20 | uint32_t{fmt} << 25 | rs3 << 27;
}
// Integer register form selectors (rs2 field) of fcvt to/from integers.
enum IntKind : unsigned { W = 0, WU = 1, L = 2, LU = 3 };
constexpr uint32_t csrrw(unsigned rd, uint16_t csr, unsigned rs1) {
  return enc::i(0x73, 1, rd, rs1, csr);
}
constexpr uint32_t csrrs(unsigned rd, uint16_t csr, unsigned rs1) {
  return enc::i(0x73, 2, rd, rs1, csr);
}

inline uint32_t fbits(float v) { return std::bit_cast<uint32_t>(v); }
inline uint64_t dbits(double v) { return std::bit_cast<uint64_t>(v); }

class FpHart {
 public:
  static constexpr uint64_t kCode = Bus::kRamBase + 0x100;
  static constexpr uint64_t kTrapVector = Bus::kRamBase + 0x1000;
  static constexpr uint64_t kData = Bus::kRamBase + 0x2000;

  explicit FpHart(bool fp = true) : machine_(config(fp)), hart(machine_.hart(0)) {
    hart.mtvec = kTrapVector;
  }

  // Executes one instruction (16 or 32 bits) at kCode. Returns false if it trapped; the trap's
  // cause is then in hart.mcause.
  bool exec(uint32_t insn) {
    const unsigned size = (insn & 3) == 3 ? 4 : 2;
    hart.poke(kCode, &insn, size);
    hart.pc = kCode;
    hart.mcause = ~uint64_t{0};
    return hart.execute(1) == 1;
  }

  // Runs a straight-line program of 32-bit instructions from kCode in one execute() call (one
  // block, unless an instruction ends it). Returns the number of instructions retired.
  uint64_t run(std::initializer_list<uint32_t> program) {
    uint64_t addr = kCode;
    for (uint32_t insn : program) {
      hart.poke(addr, &insn, 4);
      addr += 4;
    }
    hart.pc = kCode;
    uint64_t retired = 0;
    while (hart.pc < addr && retired < program.size()) {
      const uint64_t n = hart.execute(program.size() - retired);
      if (n == 0) break;
      retired += n;
    }
    return retired;
  }

  // FP registers by value; singles are NaN-boxed.
  void set_s(unsigned r, float v) { hart.f[r] = fp::box(v); }
  void set_s_bits(unsigned r, uint32_t b) { hart.f[r] = fp::box_bits(b); }
  void set_d(unsigned r, double v) { hart.f[r] = dbits(v); }
  // Low 32 bits of a register that must be a properly boxed single.
  uint32_t s_bits(unsigned r) const { return static_cast<uint32_t>(hart.f[r]); }
  bool boxed(unsigned r) const { return (hart.f[r] >> 32) == 0xffffffffu; }
  uint64_t d_bits(unsigned r) const { return hart.f[r]; }

  // Runs `insn` with fflags cleared and returns the flags it raised.
  uint32_t flags_of(uint32_t insn) {
    hart.fflags = 0;
    ok = exec(insn);
    return hart.fflags;
  }
  bool ok = false;

 private:
  static MachineConfig config(bool fp) {
    MachineConfig c;
    c.mem_size = 1u << 20;
    c.fp = fp;
    c.deterministic = true;
    return c;
  }
  Machine machine_;

 public:
  Hart& hart;
};

}  // namespace unitag::fptest
