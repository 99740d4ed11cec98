// Tags compiled into translated blocks against the tagged interpreter: random RV64IM(C) programs
// (random_program.h) placed in a real image's code, run on a tagged hart under a composite
// policy on two machines, one per engine, in budget-sized pieces. Violations are delivered as
// traps the program's handler steps over, so denials, rule-cache misses and the common path all
// occur. After every piece: pc, instret, registers, trap CSRs and the register and PC tags; at
// the end memory, memory tags, modeled cycles and the engine's statistics.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <tuple>

#include "machine/loader/elf.h"
#include "machine/machine.h"
#include "tags/engine/engine.h"
#include "tags/engine/hart_tagger.h"
#include "tags/policies/registry.h"
#include "tests/jit/fp_program.h"
#include "tests/jit/random_program.h"

namespace unitag::test {
namespace {

// sh_malloc's .text spans 0x800001e0-0x80002518: the programs (under 1 KiB) start before its
// page boundary at 0x80002000, the handler early in it; data lies past the image in RAM.
uint64_t code_base(uint64_t seed) { return Bus::kRamBase + 0x2000 - 0x40 * (1 + seed % 16); }
constexpr uint64_t kHandler = Bus::kRamBase + 0x400;
constexpr uint64_t kData = Bus::kRamBase + 0x800000;

tags::HartTagger& tagger_of(Hart& h) { return *dynamic_cast<tags::HartTagger*>(h.hooks()); }

struct TaggedMachine {
  TaggedMachine(bool translate, const std::string& policies, const RandomProgram& p, uint64_t seed)
      : image(ElfImage::load(std::string(UNITAG_GUEST_BIN) + "/sh_malloc.elf")), machine([&] {
          MachineConfig c;
          c.mem_size = 16ull << 20;
          c.translate = translate;
          return c;
        }()) {
    machine.load(image);
    tags::EngineConfig config;
    config.trap_on_violation = true;
    std::vector<std::string> names;
    for (size_t at = 0; at <= policies.size();) {
      const size_t comma = std::min(policies.find(',', at), policies.size());
      names.push_back(policies.substr(at, comma - at));
      at = comma + 1;
    }
    engine = std::make_unique<tags::TagEngine>(tags::make_policies(names), config, machine, image);
    engine->attach(machine.hart(0));
    place_program(machine.hart(0), p, {code_base(seed), kHandler, kData}, seed);
  }
  Hart& hart() { return machine.hart(0); }
  tags::HartTagger& tagger() { return tagger_of(hart()); }

  ElfImage image;
  Machine machine;
  std::unique_ptr<tags::TagEngine> engine;
};

// The register and PC tags and the check counts.
void expect_same_tags(const tags::HartTagger& ta, const tags::HartTagger& tb,
                      const std::string& where) {
  for (unsigned s = 0; s < std::size(ta.tag_file); ++s)
    ASSERT_EQ(ta.tag_file[s], tb.tag_file[s]) << where << " tag slot " << s;
  ASSERT_EQ(ta.checked(), tb.checked()) << where;
  ASSERT_EQ(ta.cache_hits(), tb.cache_hits()) << where;
  ASSERT_EQ(ta.cache().misses, tb.cache().misses) << where;
}

void expect_same_state(TaggedMachine& interp, TaggedMachine& jit, const std::string& where) {
  Hart& a = interp.hart();
  Hart& b = jit.hart();
  ASSERT_EQ(a.pc, b.pc) << where;
  ASSERT_EQ(a.instret, b.instret) << where;
  ASSERT_EQ(a.extra_cycles, b.extra_cycles) << where << ": modeled cycles";
  for (unsigned r = 0; r < 32; ++r) ASSERT_EQ(a.x[r], b.x[r]) << where << " x" << r;
  ASSERT_EQ(a.mcause, b.mcause) << where;
  ASSERT_EQ(a.mepc, b.mepc) << where;
  ASSERT_EQ(a.mtval, b.mtval) << where;
  for (unsigned c = 0; c < 32; ++c) ASSERT_EQ(a.stats.traps[c & 15], b.stats.traps[c & 15]);
  expect_same_tags(interp.tagger(), jit.tagger(), where);
}

void expect_same_memory(TaggedMachine& interp, TaggedMachine& jit, uint64_t addr, size_t size) {
  std::vector<uint8_t> a(size), b(size);
  ASSERT_TRUE(interp.hart().peek(addr, a.data(), size));
  ASSERT_TRUE(jit.hart().peek(addr, b.data(), size));
  ASSERT_EQ(a, b) << "bytes at 0x" << std::hex << addr;
  for (uint64_t w = addr & ~uint64_t{7}; w < addr + size; w += 8)
    ASSERT_EQ(interp.tagger().memory_tag(w), jit.tagger().memory_tag(w))
        << "tag of the word at 0x" << std::hex << w;
}

class TaggedTranslatedVsInterpreted
    : public ::testing::TestWithParam<std::tuple<int, const char*>> {};

TEST_P(TaggedTranslatedVsInterpreted, SameStateAndTagsAfterEveryPiece) {
  const uint64_t seed = static_cast<uint64_t>(std::get<0>(GetParam()));
  const std::string policies = std::get<1>(GetParam());
  std::mt19937_64 rng(seed * 7919 + 1);
  const RandomProgram p = random_program(rng, 60 + static_cast<unsigned>(rng() % 80), seed % 2);
  TaggedMachine interp(false, policies, p, seed);
  TaggedMachine jit(true, policies, p, seed);
  const uint64_t end = code_base(seed) + p.end_offset;
  for (unsigned piece = 0; piece < 3000 && interp.hart().pc != end; ++piece) {
    const uint64_t budget = rng() % 2 == 0 ? 1 + rng() % 16 : 1 + rng() % 600;
    const uint64_t a = interp.hart().execute(budget), b = jit.hart().execute(budget);
    ASSERT_EQ(a, b) << "retired in piece " << piece << " (budget " << budget << ")";
    expect_same_state(interp, jit, "piece " + std::to_string(piece));
    ASSERT_EQ(interp.machine.stop_requested(), jit.machine.stop_requested());
    if (interp.machine.stop_requested()) break;
  }
  expect_same_memory(interp, jit, kData, ProgramPlace::kDataBytes);
  expect_same_memory(interp, jit, code_base(seed), p.parcels.size() * 2);
  EXPECT_EQ(interp.engine->stats().dump(), jit.engine->stats().dump());
  EXPECT_GT(interp.tagger().checked(), 0u);
#if UNITAG_HAS_JIT
  EXPECT_GT(jit.hart().stats.translated_blocks, 0u);
#endif
}

constexpr const char* kComposite = "rwx,heap,stack,cfi";
constexpr const char* kAllTen = "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds";
INSTANTIATE_TEST_SUITE_P(Seeds, TaggedTranslatedVsInterpreted,
                         ::testing::Combine(::testing::Range(0, 24),
                                            ::testing::Values(kComposite, kAllTen)),
                         [](const auto& info) {
                           return "seed" + std::to_string(std::get<0>(info.param)) +
                                  (std::get<1>(info.param) == kComposite ? "_composite"
                                                                         : "_all_ten");
                         });

// FP programs (fp_program.h) on tagged harts: FP checks are compiled into blocks too, after
// whatever can still hand the instruction back (FS off, a reserved rounding mode, a window
// miss, a store into code). Policies whose rules read FP operands and memory tags (taint and
// ifc propagate through FP moves and loads); the program's handler lies outside the image's
// code, so no code-placement policy.
class TaggedFpTranslatedVsInterpreted : public ::testing::TestWithParam<int> {};

TEST_P(TaggedFpTranslatedVsInterpreted, SameFpStateAndTagsAfterEveryPiece) {
  const uint64_t seed = static_cast<uint64_t>(GetParam());
  fp_program::Generator gen(seed * 104729 + 3);
  const std::vector<uint16_t> code = gen.program(80 + static_cast<unsigned>(seed % 5) * 20);
  const uint64_t code_addr = Bus::kRamBase + 0x1000 + 0x80 * (seed % 24);
  const ElfImage image = ElfImage::load(std::string(UNITAG_GUEST_BIN) + "/sh_malloc.elf");
  std::unique_ptr<Machine> machines[2] = {fp_program::make_machine(false, code, code_addr, seed),
                                          fp_program::make_machine(true, code, code_addr, seed)};
  std::unique_ptr<tags::TagEngine> engines[2];
  for (int i = 0; i < 2; ++i) {
    tags::EngineConfig config;
    config.trap_on_violation = true;
    engines[i] = std::make_unique<tags::TagEngine>(
        tags::make_policies({"taint", "ifc", "heap", "mte", "bounds"}), config, *machines[i],
        image);
    engines[i]->attach(machines[i]->hart(0));
  }
  Hart& interp = machines[0]->hart(0);
  Hart& jit = machines[1]->hart(0);
  std::mt19937_64 budgets(seed);
  for (unsigned piece = 0; piece < 50000 && interp.pc != code_addr + gen.end(); ++piece) {
    const uint64_t budget = budgets() % 2 == 0 ? 1 + budgets() % 16 : 1 + budgets() % 600;
    const uint64_t a = interp.execute(budget), b = jit.execute(budget);
    const std::string where = "piece " + std::to_string(piece);
    ASSERT_EQ(a, b) << "retired in " << where << " (budget " << budget << ")";
    ASSERT_NO_FATAL_FAILURE(expect_same_core_state(interp, jit, where));
    for (unsigned r = 0; r < 32; ++r) ASSERT_EQ(interp.f[r], jit.f[r]) << where << " f" << r;
    ASSERT_EQ(interp.fflags, jit.fflags) << where;
    ASSERT_EQ(interp.mstatus, jit.mstatus) << where;
    ASSERT_EQ(interp.extra_cycles, jit.extra_cycles) << where << ": modeled cycles";
    ASSERT_NO_FATAL_FAILURE(expect_same_tags(tagger_of(interp), tagger_of(jit), where));
  }
  EXPECT_EQ(interp.pc, code_addr + gen.end()) << "the program did not finish";
  for (uint64_t w = fp_program::kData; w < fp_program::kData + 2048; w += 8)
    ASSERT_EQ(tagger_of(interp).memory_tag(w), tagger_of(jit).memory_tag(w));
  EXPECT_EQ(engines[0]->stats().dump(), engines[1]->stats().dump());
  EXPECT_GT(tagger_of(interp).checked(), 0u);
#if UNITAG_HAS_JIT
  EXPECT_GT(jit.stats.translated_blocks, 0u);
#endif
}

INSTANTIATE_TEST_SUITE_P(Seeds, TaggedFpTranslatedVsInterpreted, ::testing::Range(0, 24));

}  // namespace
}  // namespace unitag::test
