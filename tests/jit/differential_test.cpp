// The translation tier against the interpreter: random RV64IM(C) programs run on two machines,
// one per engine, in budget-sized pieces of random length; after every piece pc, instret, all
// registers, the trap CSRs and counts must be equal, and at the end the data and code bytes.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>

#include "machine/machine.h"
#include "tests/jit/differential_support.h"
#include "tests/jit/random_program.h"

namespace unitag::test {
namespace {

// Where a seed's code starts: most programs cross a page boundary (a budget check point).
uint64_t code_base(uint64_t seed) { return Bus::kRamBase + 0x2000 - 0x40 * (1 + seed % 16); }
constexpr uint64_t kHandler = Bus::kRamBase + 0x3000;
constexpr uint64_t kData = Bus::kRamBase + 0x10000;

std::unique_ptr<Machine> make_machine(bool translate, const RandomProgram& p, uint64_t seed,
                                      uint64_t max_insns = 0) {
  const uint64_t kCode = code_base(seed);
  auto m = differential_machine(translate, p.parcels.data(), p.parcels.size() * 2, kCode,
                                skipping_handler(), kHandler, max_insns);
  place_program(m->hart(0), p, {kCode, kHandler, kData}, seed);
  return m;
}

void expect_same_bytes(Hart& interp, Hart& jit, uint64_t addr, size_t size) {
  std::vector<uint8_t> a(size), b(size);
  ASSERT_TRUE(interp.peek(addr, a.data(), size));
  ASSERT_TRUE(jit.peek(addr, b.data(), size));
  ASSERT_EQ(a, b) << "bytes at 0x" << std::hex << addr;
}

class TranslatedVsInterpreted : public ::testing::TestWithParam<int> {};

TEST_P(TranslatedVsInterpreted, SameStateAfterEveryPiece) {
  const uint64_t seed = static_cast<uint64_t>(GetParam());
  std::mt19937_64 rng(seed * 7919 + 1);
  const RandomProgram p = random_program(rng, 60 + static_cast<unsigned>(rng() % 80), seed % 2);
  auto interp_machine = make_machine(false, p, seed);
  auto jit_machine = make_machine(true, p, seed);
  const uint64_t kCode = code_base(seed);
  Hart& interp = interp_machine->hart(0);
  Hart& jit = jit_machine->hart(0);
  for (unsigned piece = 0; piece < 5000 && interp.pc != kCode + p.end_offset; ++piece) {
    // Small budgets stop runs mid-loop (the budget checks must fall where the interpreter's
    // do); large ones run many blocks in a row.
    const uint64_t budget = rng() % 2 == 0 ? 1 + rng() % 16 : 1 + rng() % 600;
    const uint64_t a = interp.execute(budget), b = jit.execute(budget);
    ASSERT_EQ(a, b) << "retired in piece " << piece << " (budget " << budget << ")";
    ASSERT_NO_FATAL_FAILURE(expect_same_core_state(interp, jit, "piece " + std::to_string(piece)));
    ASSERT_FALSE(interp_machine->stop_requested()) << interp_machine->clear_stop().message;
  }
  EXPECT_EQ(interp.pc, kCode + p.end_offset) << "the program did not finish";
  expect_same_bytes(interp, jit, kData, 2048);
  expect_same_bytes(interp, jit, kCode, p.parcels.size() * 2);
  EXPECT_GT(interp.stats.traps[5] + interp.stats.traps[7], 0u) << "no fault was exercised";
#if UNITAG_HAS_JIT
  EXPECT_GT(jit.stats.translated_blocks, 0u);
  EXPECT_GT(jit.stats.code_invalidations, 0u);
#endif
}

INSTANTIATE_TEST_SUITE_P(Seeds, TranslatedVsInterpreted, ::testing::Range(0, 60));

// Machine::run with --max-insns on one hart: both engines stop after the same instructions.
TEST(TranslatedRun, MaxInsnsStopsWhereTheInterpreterDoes) {
  std::mt19937_64 rng(42);
  const RandomProgram p = random_program(rng, 200, true);
  ASSERT_GT(code_base(42) % 4096 + p.parcels.size() * 2, 4096u)
      << "the program should cross a page";
  for (uint64_t limit : {1ull, 7ull, 100ull, 1234ull, 5000ull}) {
    uint64_t instret[2], pc[2];
    for (int engine = 0; engine < 2; ++engine) {
      auto m = make_machine(engine == 1, p, 42, limit);
      m->hart(0).x[kLoopCount] = 1000;  // longer than any limit
      const RunResult r = m->run();
      EXPECT_EQ(r.reason, StopReason::kMaxInsns);
      instret[engine] = m->hart(0).instret;
      pc[engine] = m->hart(0).pc;
    }
    EXPECT_EQ(instret[0], instret[1]) << "--max-insns " << limit;
    EXPECT_EQ(pc[0], pc[1]) << "--max-insns " << limit;
  }
}

}  // namespace
}  // namespace unitag::test
