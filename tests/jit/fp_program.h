// Random F/D programs for differential tests of the translation tier (fp_differential_test.cpp
// untagged, tagged_differential_test.cpp on tagged harts): every FP instruction of the table
// with static and dynamic rounding modes (reserved ones included), NaN-boxed and badly boxed
// operands, NaNs, infinities and subnormals, FP loads and stores (compressed too, and
// faulting), fflags/fcsr read mid-block, frm rewritten and mstatus.FS switched off and on.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <memory>
#include <random>
#include <vector>

#include "machine/hart/csr.h"
#include "machine/isa/encode.h"
#include "machine/machine.h"
#include "tests/jit/differential_support.h"

namespace unitag::test::fp_program {

constexpr uint64_t kData = Bus::kRamBase + 0x10000;
constexpr uint64_t kHandler = Bus::kRamBase + 0x3000;
constexpr unsigned kDataBase = 8;     // s0
constexpr unsigned kScratch = 28;     // t3: the handler's and the FS switch's
constexpr unsigned kCauses = 29;      // t4: sum of trap causes
constexpr unsigned kHandlerReg = 30;  // t5
constexpr unsigned kLoopCount = 31;   // t6
constexpr uint32_t kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003, kMstatus = 0x300;

// The ops of one group, in table order.
inline std::vector<Op> ops_of(Group g) {
  std::vector<Op> ops;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i)
    if (insn_info(static_cast<Op>(i)).group == g) ops.push_back(static_cast<Op>(i));
  return ops;
}

// An FP instruction with the fields its encoding leaves free.
inline uint32_t encode_fp(Op op, unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3,
                          unsigned rm) {
  const InsnInfo& info = insn_info(op);
  uint32_t bits = info.match;
  const auto field = [&](uint32_t value, unsigned shift, uint32_t width_mask) {
    if ((info.mask & width_mask << shift) == 0) bits |= value << shift;
  };
  field(rd, 7, 0x1f);
  field(rm, 12, 0x7);
  field(rs1, 15, 0x1f);
  field(rs2, 20, 0x1f);
  field(rs3, 27, 0x1f);
  return bits;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  std::vector<uint16_t> program(unsigned body) {
    const uint64_t loop = here();
    for (unsigned i = 0; i < body; ++i) {
      if (rng_() % 8 == 0) {  // a forward branch over 1-2 instructions: more block ends
        const uint64_t at = here();
        word(0);
        for (unsigned k = 0, n = 1 + rng_() % 2; k < n; ++k) one();
        patch(at, enc::b(static_cast<uint32_t>(rng_() % 2), int_reg(), int_reg(),
                         static_cast<int32_t>(here() - at)));
      } else {
        one();
      }
    }
    word(enc::i(0x13, 0, kLoopCount, kLoopCount, -1));  // addi t6, t6, -1
    word(enc::b(1, kLoopCount, 0, static_cast<int32_t>(loop - here())));
    end_ = here();
    word(enc::j(0, 0));
    return std::move(out_);
  }
  uint64_t end() const { return end_; }

 private:
  uint64_t here() const { return out_.size() * 2; }
  void word(uint32_t w) {
    out_.push_back(static_cast<uint16_t>(w));
    out_.push_back(static_cast<uint16_t>(w >> 16));
  }
  void patch(uint64_t at, uint32_t w) {
    out_[at / 2] = static_cast<uint16_t>(w);
    out_[at / 2 + 1] = static_cast<uint16_t>(w >> 16);
  }
  unsigned f_reg() { return static_cast<unsigned>(rng_() % 32); }
  unsigned int_reg() { return static_cast<unsigned>(rng_() % 28); }  // t3-t6 stay the program's
  unsigned int_dest() {
    const unsigned r = int_reg();
    return r == kDataBase ? 0 : r;
  }
  // Mostly valid, sometimes dynamic, rarely reserved (an illegal instruction).
  unsigned rounding() {
    const unsigned r = static_cast<unsigned>(rng_() % 16);
    return r < 5 ? r : r < 14 ? 7 : 5 + r % 2;
  }

  void one() {
    switch (rng_() % 20) {
      case 0:
      case 1: {  // flw/fld from the data area, any 4-byte alignment
        const Op op = rng_() % 2 ? Op::fld : Op::flw;
        word(insn_info(op).match | f_reg() << 7 | kDataBase << 15 |
             static_cast<uint32_t>(rng_() % 256 * 4) << 20);
        break;
      }
      case 2: {
        const Op op = rng_() % 2 ? Op::fsd : Op::fsw;
        word(enc::s(0x27, insn_info(op).match >> 12 & 7, kDataBase, f_reg(),
                    static_cast<int32_t>(rng_() % 256 * 4)));
        break;
      }
      case 3: {  // c.fld / c.fsd at s0 (f8-f15)
        const uint32_t off = static_cast<uint32_t>(rng_() % 32) * 8;
        const uint32_t reg = static_cast<uint32_t>(rng_() % 8);
        const uint32_t fields = (off >> 3 & 7) << 10 | (off >> 6 & 3) << 5 | reg << 2;
        out_.push_back(static_cast<uint16_t>((rng_() % 2 ? 0x2000 : 0xa000) | fields));
        break;
      }
      case 4:  // an FP access outside RAM: an access fault the handler skips
        word(rng_() % 2 ? encode_fp(Op::fld, f_reg(), 0, 0, 0, 3) | (rng_() % 2048) << 20
                        : enc::s(0x27, 3, 0, f_reg(), static_cast<int32_t>(rng_() % 2048)));
        break;
      case 5:  // fflags or fcsr read mid-block, sometimes cleared
        word(csr_insn(2, int_dest(), 0, rng_() % 2 ? kFflags : kFcsr));
        if (rng_() % 3 == 0) word(csr_insn(5, 0, 0, kFflags));  // csrrwi x0, fflags, 0
        break;
      case 6:  // frm rewritten (5-7 make dynamic-rm instructions illegal)
        word(csr_insn(5, 0, static_cast<unsigned>(rng_() % 8 < 6 ? rng_() % 5 : 5 + rng_() % 3),
                      kFrm));
        break;
      case 7:  // mstatus.FS off (FP instructions trap), or back to Initial or Dirty
        word(enc::u(0x37, kScratch, rng_() % 2 ? 6 << 12 : 2 << 12));
        word(csr_insn(rng_() % 4 == 0 ? 3 : 2, 0, kScratch, kMstatus));
        break;
      case 8:  // integer bits into FP registers (boxed or not)
        word(encode_fp(rng_() % 2 ? Op::fmv_d_x : Op::fmv_w_x, f_reg(), int_reg(), 0, 0, 0));
        break;
      case 9:
      case 10:
        word(encode_fp(pick(kFused), f_reg(), f_reg(), f_reg(), f_reg(), rounding()));
        break;
      default: {
        const Op op = pick(kAlu);
        const Format fmt = insn_info(op).format;
        const unsigned rd = fmt == Format::FToX || fmt == Format::FCmp ? int_dest() : f_reg();
        const unsigned rs1 = fmt == Format::XToF ? int_reg() : f_reg();
        word(encode_fp(op, rd, rs1, f_reg(), 0, rounding()));
        break;
      }
    }
  }
  Op pick(const std::vector<Op>& ops) { return ops[rng_() % ops.size()]; }

  std::mt19937_64 rng_;
  std::vector<uint16_t> out_;
  uint64_t end_ = 0;
  const std::vector<Op> kFused = [] {
    std::vector<Op> fused;
    for (Op op : ops_of(Group::FpAlu))
      if (insn_info(op).format == Format::R4) fused.push_back(op);
    return fused;
  }();
  const std::vector<Op> kAlu = [] {
    std::vector<Op> alu;
    for (Op op : ops_of(Group::FpAlu))
      if (insn_info(op).format != Format::R4) alu.push_back(op);
    return alu;
  }();
};

// Adds mcause to t4 and steps mepc over the faulting instruction, 2 or 4 bytes.
inline std::vector<uint32_t> skipping_handler() {
  return {csr_insn(2, kHandlerReg, 0, 0x342),
          enc::r(0x33, 0, 0, kCauses, kCauses, kHandlerReg),
          csr_insn(2, kHandlerReg, 0, 0x341),
          enc::i(0x03, 5, kScratch, kHandlerReg, 0),  // lhu t3, 0(t5)
          enc::i(0x13, 7, kScratch, kScratch, 3),     // andi t3, t3, 3
          enc::i(0x13, 0, kHandlerReg, kHandlerReg, 2),
          enc::i(0x13, 0, kScratch, kScratch, -3),
          enc::b(1, kScratch, 0, 8),  // bne t3, x0: compressed, done
          enc::i(0x13, 0, kHandlerReg, kHandlerReg, 2),
          csr_insn(1, 0, kHandlerReg, 0x341),
          0x30200073};  // mret
}

// Values worth computing on: signed zeros, infinities, NaNs (quiet and signalling), subnormals,
// extremes and ordinary numbers, as singles (boxed and badly boxed) and doubles.
inline uint64_t interesting(std::mt19937_64& rng) {
  static const uint32_t kSingles[] = {0,          0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
                                      0x7f800001, 0x00000001, 0x807fffff, 0x7f7fffff, 0x3f800000,
                                      0xbf000000, 0x4f000000, 0xcf000000, 0x5f000000};
  static const uint64_t kDoubles[] = {0,
                                      0x8000000000000000,
                                      0x7ff0000000000000,
                                      0xfff0000000000000,
                                      0x7ff8000000000000,
                                      0x7ff0000000000001,
                                      0x0000000000000001,
                                      0x800fffffffffffff,
                                      0x7fefffffffffffff,
                                      0x3ff0000000000000,
                                      0xc1e0000000000000,
                                      0x43e0000000000000,
                                      0x41efffffffe00000};
  switch (rng() % 6) {
    case 0:
      return 0xffffffff00000000ull | kSingles[rng() % std::size(kSingles)];
    case 1:
      return kDoubles[rng() % std::size(kDoubles)];
    case 2:
      return 0xffffffff00000000ull |
             std::bit_cast<uint32_t>(static_cast<float>(static_cast<int32_t>(rng() % 2000) - 1000) /
                                     7.0f);
    case 3:
      return std::bit_cast<uint64_t>(static_cast<double>(static_cast<int64_t>(rng() % 20000)) /
                                     -3.0);
    case 4:
      return rng() >> (rng() % 64);  // a badly boxed single, or an arbitrary double
    default:
      return 0xffffffff00000000ull | static_cast<uint32_t>(rng());
  }
}

inline std::unique_ptr<Machine> make_machine(bool translate, const std::vector<uint16_t>& code,
                                             uint64_t code_addr, uint64_t seed) {
  auto m = differential_machine(translate, code.data(), code.size() * 2, code_addr,
                                skipping_handler(), kHandler);
  Hart& h = m->hart(0);
  std::mt19937_64 rng(seed);
  for (uint64_t a = kData; a < kData + 2048; a += 8) {
    const uint64_t v = interesting(rng);
    EXPECT_TRUE(h.poke(a, &v, 8));
  }
  for (unsigned r = 1; r < 32; ++r) h.x[r] = rng() % 3 ? interesting(rng) : rng() % 100;
  for (unsigned r = 0; r < 32; ++r) h.f[r] = interesting(rng);
  h.x[kDataBase] = kData;
  h.x[kLoopCount] = 30;
  h.x[kCauses] = 0;
  h.frm = static_cast<uint32_t>(rng() % 5);
  h.mstatus |= mstatus::kFs;
  return m;
}

}  // namespace unitag::test::fp_program
