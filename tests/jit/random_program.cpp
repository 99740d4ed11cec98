#include "tests/jit/random_program.h"

#include <gtest/gtest.h>

#include "machine/hart/hart.h"
#include "machine/isa/encode.h"
#include "machine/isa/insn.h"

namespace unitag::test {
namespace {

uint32_t match_of(Op op) { return insn_info(op).match; }
uint32_t r_type(Op op, unsigned rd, unsigned rs1, unsigned rs2) {
  return match_of(op) | rd << 7 | rs1 << 15 | rs2 << 20;
}
uint32_t i_type(Op op, unsigned rd, unsigned rs1, int32_t imm) {
  return match_of(op) | rd << 7 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
uint32_t s_type(Op op, unsigned rs2, unsigned rs1, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return match_of(op) | (u & 0x1f) << 7 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}
uint32_t csr_read(unsigned rd, uint32_t csr) { return 0x2073 | rd << 7 | csr << 20; }  // csrrs
uint32_t csr_write(unsigned rs1, uint32_t csr) { return 0x1073 | rs1 << 15 | csr << 20; }
constexpr uint32_t kMepc = 0x341, kMcause = 0x342, kMinstret = 0xb02;

class Assembler {
 public:
  explicit Assembler(std::vector<uint16_t>& out) : out_(out) {}
  uint64_t here() const { return out_.size() * 2; }
  void word(uint32_t w) {
    out_.push_back(static_cast<uint16_t>(w));
    out_.push_back(static_cast<uint16_t>(w >> 16));
  }
  void half(uint16_t h) { out_.push_back(h); }
  void patch_word(uint64_t at, uint32_t w) {
    out_[at / 2] = static_cast<uint16_t>(w);
    out_[at / 2 + 1] = static_cast<uint16_t>(w >> 16);
  }

 private:
  std::vector<uint16_t>& out_;
};

const Op kRegOps[] = {Op::add,  Op::sub,  Op::sll,  Op::slt,    Op::sltu,  Op::xor_, Op::srl,
                      Op::sra,  Op::or_,  Op::and_, Op::addw,   Op::subw,  Op::sllw, Op::srlw,
                      Op::sraw, Op::mul,  Op::mulh, Op::mulhsu, Op::mulhu, Op::div,  Op::divu,
                      Op::rem,  Op::remu, Op::mulw, Op::divw,   Op::divuw, Op::remw, Op::remuw};
const Op kImmOps[] = {Op::addi, Op::slti, Op::sltiu, Op::xori, Op::ori, Op::andi, Op::addiw};
const Op kShiftOps[] = {Op::slli, Op::srli, Op::srai};
const Op kShiftWOps[] = {Op::slliw, Op::srliw, Op::sraiw};
const Op kLoads[] = {Op::lb, Op::lh, Op::lw, Op::ld, Op::lbu, Op::lhu, Op::lwu};
const Op kStores[] = {Op::sb, Op::sh, Op::sw, Op::sd};
const Op kBranches[] = {Op::beq, Op::bne, Op::blt, Op::bge, Op::bltu, Op::bgeu};

template <class T, size_t N>
T pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

// A destination register: any but the ones the program keeps (x0 included: writes vanish).
unsigned dest(std::mt19937_64& rng) {
  for (;;) {
    const unsigned r = static_cast<unsigned>(rng() % 32);
    if (r != kDataBase && r != kPatchAddr && r != kLoopCount && r != kScratchA && r != kScratchB &&
        r != kHandlerA && r != kHandlerB)
      return r;
  }
}
unsigned source(std::mt19937_64& rng) { return static_cast<unsigned>(rng() % 32); }
int32_t imm12(std::mt19937_64& rng) { return static_cast<int32_t>(rng() % 4096) - 2048; }

// One straight-line instruction (never a branch or jump).
void straight_line(Assembler& a, std::mt19937_64& rng) {
  switch (rng() % 14) {
    case 0:
    case 1:
    case 2:
      a.word(r_type(pick(rng, kRegOps), dest(rng), source(rng), source(rng)));
      break;
    case 3:
    case 4:
      a.word(i_type(pick(rng, kImmOps), dest(rng), source(rng), imm12(rng)));
      break;
    case 5:
      a.word(
          i_type(pick(rng, kShiftOps), dest(rng), source(rng), static_cast<int32_t>(rng() % 64)));
      break;
    case 6: {
      const Op op = pick(rng, kShiftWOps);
      a.word(match_of(op) | dest(rng) << 7 | source(rng) << 15 |
             static_cast<uint32_t>(rng() % 32) << 20);
      break;
    }
    case 7:
      a.word(enc::u(rng() % 2 ? 0x37 : 0x17, dest(rng), static_cast<int32_t>(rng())));
      break;
    case 8:  // in the data area, any alignment (the window takes misaligned accesses)
      a.word(i_type(pick(rng, kLoads), dest(rng), kDataBase, static_cast<int32_t>(rng() % 1024)));
      break;
    case 9:
      a.word(
          s_type(pick(rng, kStores), source(rng), kDataBase, static_cast<int32_t>(rng() % 1024)));
      break;
    case 10: {  // compressed: c.addi, c.li, c.mv, c.add, c.slli (rd from the free registers)
      unsigned rd = dest(rng);
      if (rd == 0) rd = 10;
      const uint32_t imm = static_cast<uint32_t>(rng() % 63 + 1);
      const uint32_t rs2 = static_cast<uint32_t>(rng() % 31 + 1);
      switch (rng() % 5) {
        case 0:
          a.half(static_cast<uint16_t>(0x0001 | (imm & 32) << 7 | rd << 7 | (imm & 31) << 2));
          break;
        case 1:
          a.half(static_cast<uint16_t>(0x4001 | (imm & 32) << 7 | rd << 7 | (imm & 31) << 2));
          break;
        case 2:
          a.half(static_cast<uint16_t>(0x8002 | rd << 7 | rs2 << 2));
          break;
        case 3:
          a.half(static_cast<uint16_t>(0x9002 | rd << 7 | rs2 << 2));
          break;
        default:
          a.half(static_cast<uint16_t>(0x0002 | (imm & 32) << 7 | rd << 7 | (imm & 31) << 2));
          break;
      }
      break;
    }
    case 11: {  // compressed c.ld / c.sd at s0 (x10-x15)
      const uint32_t off = static_cast<uint32_t>(rng() % 32) * 8;
      const uint32_t reg = static_cast<uint32_t>(rng() % 6 + 2);
      const uint32_t base = (off >> 3 & 7) << 10 | (off >> 6 & 3) << 5 | reg << 2;
      a.half(static_cast<uint16_t>((rng() % 2 ? 0x6000 : 0xe000) | base));
      break;
    }
    case 12:  // a counter read mid-block: instret must be exact there
      a.word(csr_read(dest(rng), kMinstret));
      break;
    default:  // a load or store outside RAM: an access fault the handler skips
      if (rng() % 2)
        a.word(i_type(pick(rng, kLoads), dest(rng), 0, static_cast<int32_t>(rng() % 2048)));
      else
        a.word(s_type(pick(rng, kStores), source(rng), 0, static_cast<int32_t>(rng() % 2048)));
      break;
  }
}

}  // namespace

RandomProgram random_program(std::mt19937_64& rng, unsigned body_insns, bool fence_after_patch) {
  RandomProgram p;
  Assembler a(p.parcels);
  const uint64_t loop_start = a.here();
  for (unsigned i = 0; i < body_insns; ++i) {
    const unsigned kind = static_cast<unsigned>(rng() % 10);
    if (kind == 0) {  // a forward branch over 1-3 instructions
      const uint64_t at = a.here();
      a.word(0);
      const unsigned skipped = static_cast<unsigned>(rng() % 3 + 1);
      for (unsigned k = 0; k < skipped; ++k) straight_line(a, rng);
      a.patch_word(at, enc::b(insn_info(pick(rng, kBranches)).match >> 12 & 7, source(rng),
                              source(rng), static_cast<int32_t>(a.here() - at)));
    } else if (kind == 1) {  // jal over one instruction, linking or not
      const uint64_t at = a.here();
      a.word(0);
      straight_line(a, rng);
      a.patch_word(at, enc::j(rng() % 2 ? 1 : 0, static_cast<int32_t>(a.here() - at)));
    } else if (kind == 2) {  // auipc + jalr over one 4-byte instruction
      const unsigned link = dest(rng) == 0 ? 0 : 1;
      a.word(enc::u(0x17, kScratchA, 0));
      a.word(i_type(Op::jalr, link, kScratchA, 12));
      a.word(r_type(Op::add, 10, 10, 11));
    } else {
      straight_line(a, rng);
    }
  }
  // The rewritten instruction: addi a0, a0, k, whose immediate grows by one each turn.
  p.patch_offset = a.here();
  a.word(i_type(Op::addi, 10, 10, 1));
  a.word(i_type(Op::lw, kScratchB, kPatchAddr, 0));
  a.word(enc::u(0x37, kScratchA, 1 << 20));
  a.word(r_type(Op::add, kScratchB, kScratchB, kScratchA));
  a.word(s_type(Op::sw, kScratchB, kPatchAddr, 0));
  if (fence_after_patch) a.word(match_of(Op::fence_i));
  a.word(i_type(Op::addi, kLoopCount, kLoopCount, -1));
  a.word(enc::b(1, kLoopCount, 0, static_cast<int32_t>(loop_start - a.here())));  // bne
  p.end_offset = a.here();
  a.word(enc::j(0, 0));
  return p;
}

std::vector<uint32_t> skipping_handler() {
  return {csr_read(kHandlerB, kMcause), r_type(Op::add, kHandlerA, kHandlerA, kHandlerB),
          csr_read(kHandlerB, kMepc),   i_type(Op::addi, kHandlerB, kHandlerB, 4),
          csr_write(kHandlerB, kMepc),  0x30200073};  // mret
}

void place_program(Hart& h, const RandomProgram& p, const ProgramPlace& at, uint64_t seed) {
  EXPECT_TRUE(h.poke(at.code, p.parcels.data(), p.parcels.size() * 2));
  const std::vector<uint32_t> handler = skipping_handler();
  EXPECT_TRUE(h.poke(at.handler, handler.data(), handler.size() * 4));
  std::mt19937_64 data_rng(seed);
  for (uint64_t a = at.data; a < at.data + ProgramPlace::kDataBytes; a += 8) {
    const uint64_t v = data_rng();
    EXPECT_TRUE(h.poke(a, &v, 8));
  }
  for (unsigned r = 1; r < 32; ++r) h.x[r] = data_rng() >> (data_rng() % 64);
  h.x[kDataBase] = at.data;
  h.x[kPatchAddr] = at.code + p.patch_offset;
  h.x[kLoopCount] = 40;
  h.x[kHandlerA] = 0;
  h.mtvec = at.handler;
  h.pc = at.code;
}

}  // namespace unitag::test
