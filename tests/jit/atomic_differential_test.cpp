// The translation tier against the interpreter on random RV64A programs: every AMO (word and
// doubleword, aq/rl bits set or not), LR/SC pairs that succeed, fail on another address, on
// a changed value or with no reservation, misaligned and faulting addresses, and AMOs on the
// code itself (a store into translated code). After every piece the state must be the same.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "machine/isa/encode.h"
#include "machine/machine.h"
#include "tests/jit/differential_support.h"

namespace unitag::test {
namespace {

constexpr uint64_t kData = Bus::kRamBase + 0x10000;
constexpr uint64_t kHandler = Bus::kRamBase + 0x3000;
constexpr unsigned kDataBase = 8;  // s0
constexpr unsigned kAddr = 28;     // t3: an atomic's address (the handler's scratch too)
constexpr unsigned kCauses = 29;   // t4
constexpr unsigned kTemp = 30;     // t5
constexpr unsigned kLoopCount = 31;

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {
    for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i)
      if (insn_info(static_cast<Op>(i)).group == Group::Amo) amos_.push_back(static_cast<Op>(i));
  }

  std::vector<uint32_t> program(unsigned body) {
    const uint64_t loop = here();
    for (unsigned i = 0; i < body; ++i) one();
    out_.push_back(enc::i(0x13, 0, kLoopCount, kLoopCount, -1));
    out_.push_back(enc::b(1, kLoopCount, 0, static_cast<int32_t>(loop - here())));
    end_ = here();
    out_.push_back(enc::j(0, 0));
    return std::move(out_);
  }
  uint64_t end() const { return end_; }

 private:
  uint64_t here() const { return out_.size() * 4; }
  unsigned reg() { return static_cast<unsigned>(rng_() % 28); }
  unsigned dest() {
    const unsigned r = reg();
    return r == kDataBase ? 0 : r;
  }
  uint32_t atomic(Op op, unsigned rd, unsigned rs1, unsigned rs2) {
    return insn_info(op).match | rd << 7 | rs1 << 15 | rs2 << 20 |
           static_cast<uint32_t>(rng_() % 4) << 25;  // aq, rl
  }
  // t3 = an address for a `bytes`-wide atomic: mostly aligned data, sometimes misaligned,
  // sometimes outside RAM.
  void address(unsigned bytes) {
    const int32_t slot = static_cast<int32_t>(rng_() % 16) * static_cast<int32_t>(bytes);
    switch (rng_() % 12) {
      case 0:
        out_.push_back(
            enc::i(0x13, 0, kAddr, kDataBase, slot + 1 + static_cast<int32_t>(rng_() % 3)));
        break;
      case 1:
        out_.push_back(enc::i(0x13, 0, kAddr, 0, slot));
        break;
      default:
        out_.push_back(enc::i(0x13, 0, kAddr, kDataBase, slot));
        break;
    }
  }
  void one() {
    switch (rng_() % 8) {
      case 0:
      case 1:
      case 2: {
        const Op op = amos_[rng_() % amos_.size()];
        address(insn_info(op).match >> 12 & 1 ? 8 : 4);
        out_.push_back(atomic(op, dest(), kAddr, reg()));
        break;
      }
      case 3: {  // lr; maybe a store to the same word (same or new value); sc, maybe elsewhere
        const bool dword = rng_() % 2;
        const unsigned bytes = dword ? 8 : 4;
        address(bytes);
        out_.push_back(atomic(dword ? Op::lr_d : Op::lr_w, dest(), kAddr, 0));
        if (rng_() % 3 == 0)
          out_.push_back(enc::s(0x23, dword ? 3 : 2, kAddr, rng_() % 2 ? reg() : 0, 0));
        if (rng_() % 4 == 0) address(bytes);
        out_.push_back(atomic(dword ? Op::sc_d : Op::sc_w, dest(), kAddr, reg()));
        break;
      }
      case 4:  // sc with whatever reservation is left (usually none)
        address(8);
        out_.push_back(atomic(Op::sc_d, dest(), kAddr, reg()));
        break;
      case 5:  // an AMO on the code itself: the same bits written back
        out_.push_back(enc::u(0x17, kAddr, 0));
        out_.push_back(atomic(Op::amoor_w, dest(), kAddr, 0));
        break;
      case 6:
        out_.push_back(enc::r(0x33, 0, 0, dest(), reg(), reg()));
        break;
      default:
        out_.push_back(enc::i(0x03, 3, dest(), kDataBase, static_cast<int32_t>(rng_() % 16) * 8));
        break;
    }
  }

  std::mt19937_64 rng_;
  std::vector<Op> amos_;
  std::vector<uint32_t> out_;
  uint64_t end_ = 0;
};

std::unique_ptr<Machine> make_machine(bool translate, const std::vector<uint32_t>& code,
                                      uint64_t code_addr, uint64_t seed) {
  // Adds mcause to t4 and steps mepc over the (4-byte) faulting instruction.
  const std::vector<uint32_t> handler = {
      csr_insn(2, kTemp, 0, 0x342), enc::r(0x33, 0, 0, kCauses, kCauses, kTemp),
      csr_insn(2, kTemp, 0, 0x341), enc::i(0x13, 0, kTemp, kTemp, 4),
      csr_insn(1, 0, kTemp, 0x341), 0x30200073};
  auto m =
      differential_machine(translate, code.data(), code.size() * 4, code_addr, handler, kHandler);
  Hart& h = m->hart(0);
  std::mt19937_64 rng(seed);
  for (uint64_t a = kData; a < kData + 256; a += 8) {
    const uint64_t v = rng() % 4 ? rng() : rng() % 5;
    EXPECT_TRUE(h.poke(a, &v, 8));
  }
  for (unsigned r = 1; r < 32; ++r) h.x[r] = rng() % 2 ? rng() : rng() % 7;
  h.x[kDataBase] = kData;
  h.x[kLoopCount] = 25;
  h.x[kCauses] = 0;
  return m;
}

class AtomicTranslatedVsInterpreted : public ::testing::TestWithParam<int> {};

TEST_P(AtomicTranslatedVsInterpreted, SameStateAfterEveryPiece) {
  const uint64_t seed = static_cast<uint64_t>(GetParam());
  Generator gen(seed * 7727 + 11);
  const std::vector<uint32_t> code = gen.program(60 + static_cast<unsigned>(seed % 4) * 20);
  const uint64_t code_addr = Bus::kRamBase + 0x1000 + 0x100 * (seed % 12);
  auto interp_machine = make_machine(false, code, code_addr, seed);
  auto jit_machine = make_machine(true, code, code_addr, seed);
  Hart& interp = interp_machine->hart(0);
  Hart& jit = jit_machine->hart(0);
  std::mt19937_64 budgets(seed);
  for (unsigned piece = 0; piece < 50000 && interp.pc != code_addr + gen.end(); ++piece) {
    const uint64_t budget = budgets() % 2 == 0 ? 1 + budgets() % 16 : 1 + budgets() % 600;
    const uint64_t a = interp.execute(budget), b = jit.execute(budget);
    const std::string where = "piece " + std::to_string(piece);
    ASSERT_EQ(a, b) << where;
    ASSERT_NO_FATAL_FAILURE(expect_same_core_state(interp, jit, where));
    ASSERT_EQ(interp.reservation_valid, jit.reservation_valid) << where;
    ASSERT_EQ(interp.reservation_addr, jit.reservation_addr) << where;
    ASSERT_EQ(interp.reservation_value, jit.reservation_value) << where;
  }
  EXPECT_EQ(interp.pc, code_addr + gen.end()) << "the program did not finish";
  std::vector<uint8_t> a(256), b(256);
  ASSERT_TRUE(interp.peek(kData, a.data(), a.size()));
  ASSERT_TRUE(jit.peek(kData, b.data(), b.size()));
  EXPECT_EQ(a, b) << "data differs";
  EXPECT_GT(interp.stats.traps[6] + interp.stats.traps[7], 0u) << "no AMO fault was exercised";
#if UNITAG_HAS_JIT
  EXPECT_GT(jit.stats.translated_blocks, 0u);
#endif
}

INSTANTIATE_TEST_SUITE_P(Seeds, AtomicTranslatedVsInterpreted, ::testing::Range(0, 30));

}  // namespace
}  // namespace unitag::test
