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
#include "tests/jit/random_program.h"

namespace unitag::test {
namespace {

// sh_malloc's .text spans 0x800001e0-0x80002518: the programs (under 1 KiB) start before its
// page boundary at 0x80002000, the handler early in it; data lies past the image in RAM.
uint64_t code_base(uint64_t seed) { return Bus::kRamBase + 0x2000 - 0x40 * (1 + seed % 16); }
constexpr uint64_t kHandler = Bus::kRamBase + 0x400;
constexpr uint64_t kData = Bus::kRamBase + 0x800000;

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
  tags::HartTagger& tagger() { return *dynamic_cast<tags::HartTagger*>(hart().hooks()); }

  ElfImage image;
  Machine machine;
  std::unique_ptr<tags::TagEngine> engine;
};

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
  const tags::HartTagger& ta = interp.tagger();
  const tags::HartTagger& tb = jit.tagger();
  for (unsigned s = 0; s < std::size(ta.tag_file); ++s)
    ASSERT_EQ(ta.tag_file[s], tb.tag_file[s]) << where << " tag slot " << s;
  ASSERT_EQ(ta.checked(), tb.checked()) << where;
  ASSERT_EQ(ta.cache_hits(), tb.cache_hits()) << where;
  ASSERT_EQ(ta.cache().misses, tb.cache().misses) << where;
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

}  // namespace
}  // namespace unitag::test
