// The translation tier against the interpreter on random F/D programs (fp_program.h). After
// every budget-sized piece the whole FP state must be the interpreter's.
#include <gtest/gtest.h>

#include "tests/jit/fp_program.h"

namespace unitag::test {
namespace {

using namespace fp_program;

void expect_same_state(Hart& interp, Hart& jit, const std::string& where) {
  ASSERT_NO_FATAL_FAILURE(expect_same_core_state(interp, jit, where));
  for (unsigned r = 0; r < 32; ++r) ASSERT_EQ(interp.f[r], jit.f[r]) << where << " f" << r;
  ASSERT_EQ(interp.fflags, jit.fflags) << where;
  ASSERT_EQ(interp.frm, jit.frm) << where;
  ASSERT_EQ(interp.mstatus, jit.mstatus) << where;
}

class FpTranslatedVsInterpreted : public ::testing::TestWithParam<int> {};

TEST_P(FpTranslatedVsInterpreted, SameFpStateAfterEveryPiece) {
  const uint64_t seed = static_cast<uint64_t>(GetParam());
  Generator gen(seed * 104729 + 3);
  const std::vector<uint16_t> code = gen.program(80 + static_cast<unsigned>(seed % 5) * 20);
  const uint64_t code_addr = Bus::kRamBase + 0x1000 + 0x80 * (seed % 24);  // some cross a page
  auto interp_machine = make_machine(false, code, code_addr, seed);
  auto jit_machine = make_machine(true, code, code_addr, seed);
  Hart& interp = interp_machine->hart(0);
  Hart& jit = jit_machine->hart(0);
  std::mt19937_64 budgets(seed);
  // Each trap's handler writes mepc, which ends the run there: many short pieces.
  uint32_t flags_seen = 0;
  for (unsigned piece = 0; piece < 50000 && interp.pc != code_addr + gen.end(); ++piece) {
    const uint64_t budget = budgets() % 2 == 0 ? 1 + budgets() % 16 : 1 + budgets() % 600;
    const uint64_t a = interp.execute(budget), b = jit.execute(budget);
    ASSERT_EQ(a, b) << "retired in piece " << piece << " (budget " << budget << ")";
    ASSERT_NO_FATAL_FAILURE(expect_same_state(interp, jit, "piece " + std::to_string(piece)));
    flags_seen |= interp.fflags;
  }
  EXPECT_EQ(interp.pc, code_addr + gen.end()) << "the program did not finish";
  std::vector<uint8_t> a(2048), b(2048);
  ASSERT_TRUE(interp.peek(kData, a.data(), a.size()));
  ASSERT_TRUE(jit.peek(kData, b.data(), b.size()));
  EXPECT_EQ(a, b) << "data differs";
  EXPECT_GT(interp.stats.traps[2], 0u) << "no illegal FP instruction was exercised";
  EXPECT_NE(flags_seen, 0u) << "no FP flag was raised";
#if UNITAG_HAS_JIT
  EXPECT_GT(jit.stats.translated_blocks, 0u);
#endif
}

INSTANTIATE_TEST_SUITE_P(Seeds, FpTranslatedVsInterpreted, ::testing::Range(0, 40));

}  // namespace
}  // namespace unitag::test
