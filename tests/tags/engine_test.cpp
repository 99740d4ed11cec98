// The engine on the real machine: a violation stops the run, and the hooks answer the trace and
// monitor questions a debugger asks. Uses guest images from tests/tags/guest.
#include "tags/engine/engine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "machine/machine.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

struct TaggedRun {
  explicit TaggedRun(const std::string& image_name, std::vector<std::string> policies,
                     unsigned harts = 1, EngineConfig config = {})
      : image(ElfImage::load(std::string(UNITAG_GUEST_BIN) + "/" + image_name + ".elf")),
        machine([&] {
          MachineConfig c;
          c.harts = harts;
          c.deterministic = true;
          c.uart_out = uart_out.get();
          return c;
        }()) {
    machine.load(image);
    engine = std::make_unique<TagEngine>(make_policies(policies), config, machine, image);
    engine->attach(machine.hart(0));
  }
  ElfImage image;
  // Before the machine: closed after it (runs in a loop would otherwise run out of files).
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> uart_out{std::tmpfile(), &std::fclose};
  Machine machine;
  std::unique_ptr<TagEngine> engine;
};

}  // namespace

TEST(Engine, HeapOverflowStopsTheMachine) {
  TaggedRun r("tags_heap_overflow", {"heap"});
  const RunResult result = r.machine.run();
  EXPECT_EQ(result.reason, StopReason::kTagViolation);
  EXPECT_EQ(result.exit_code, 122);
  EXPECT_NE(result.message.find("heap-buffer-overflow"), std::string::npos) << result.message;
  ASSERT_EQ(r.engine->violations().size(), 1u);
  EXPECT_EQ(r.engine->violations()[0].policy, "heap");
}

TEST(Engine, MonitorAndTraceDescribeTags) {
  TaggedRun r("tags_heap_overflow", {"heap", "stack"});
  r.machine.run();
  ExecutionHooks* hooks = r.machine.hart(0).hooks();
  ASSERT_NE(hooks, nullptr);
  Hart& h = r.machine.hart(0);
  EXPECT_NE(hooks->monitor(h, "violations").find("heap-buffer-overflow"), std::string::npos);
  EXPECT_NE(hooks->monitor(h, "tag a0").find("heap: pointer to allocation"), std::string::npos)
      << hooks->monitor(h, "tag a0");
  EXPECT_EQ(hooks->monitor(h, "tag x10"), hooks->monitor(h, "tag a0"));
  EXPECT_NE(hooks->describe_last(h).find("-> deny (heap: store-colour)"), std::string::npos)
      << hooks->describe_last(h);
  const uint64_t base = h.x[10] - 128;  // fill_table's pointer is the allocation's base + 0
  EXPECT_NE(hooks->monitor(h, "tag mem " + std::to_string(h.x[10])).find("word 0x"),
            std::string::npos);
  EXPECT_NE(hooks->memory_tag(base), 0u);
  EXPECT_NE(hooks->monitor(h, "tag mem banana").find("not an address"), std::string::npos);
  EXPECT_EQ(hooks->monitor(h, "info registers"), "");
}

TEST(Engine, BenignProgramRunsCleanAndCountsRules) {
  TaggedRun r("tags_benign_hash", {"rwx", "heap", "stack", "cfi"});
  const RunResult result = r.machine.run();
  EXPECT_EQ(result.reason, StopReason::kGuestExit) << result.message;
  EXPECT_EQ(result.exit_code, 0);
  const auto stats = r.engine->stats();
  EXPECT_GT(stats["rule_cache_hits"].get<uint64_t>(), stats["rule_cache_misses"].get<uint64_t>());
  EXPECT_GT(stats["distinct_rules"].get<uint64_t>(), 10u);
  EXPECT_GT(r.machine.hart(0).extra_cycles, 0u);  // misses cost modeled cycles
  EXPECT_EQ(stats["per_policy"].size(), 4u);
}

// A bounded palette bounds the heap policy's tags and rules (what a few tag bits buy in rule-cache
// pressure): a 4095-node tree has a colour per node unbounded, 16 with heap:colours=16. With raw
// tags as the modeled cache's key the palette cuts misses 20-fold; canonical rules (one rule for
// every colour) need no palette for that.
TEST(Engine, BoundedHeapPaletteBoundsTagsAndRules) {
  auto stats_for = [](const std::string& policy, bool canonical) {
    EngineConfig config;
    config.canonical_rules = canonical;
    TaggedRun r("tags_benign_recursion", {policy}, 1, config);
    const RunResult result = r.machine.run();
    EXPECT_EQ(result.reason, StopReason::kGuestExit) << policy << ": " << result.message;
    return r.engine->stats();
  };
  const auto unbounded = stats_for("heap", false);
  const auto palette = stats_for("heap:colours=16", false);
  const auto canonical = stats_for("heap", true);
  EXPECT_GT(unbounded["distinct_tags"].get<uint64_t>(), 4000u);
  EXPECT_LT(palette["distinct_tags"].get<uint64_t>(), 300u);
  const uint64_t raw_misses = unbounded["rule_cache_misses"].get<uint64_t>();
  EXPECT_LT(palette["rule_cache_misses"].get<uint64_t>() * 20, raw_misses);
  EXPECT_LT(canonical["rule_cache_misses"].get<uint64_t>() * 20, raw_misses);
  EXPECT_LE(canonical["rule_cache_misses"].get<uint64_t>(),
            palette["rule_cache_misses"].get<uint64_t>());
  EXPECT_EQ(canonical["canonical_rules"]["unsound_merges"].get<uint64_t>(), 0u);
  EXPECT_LT(canonical["canonical_rules"]["rules"].get<uint64_t>(),
            canonical["distinct_rules"].get<uint64_t>() / 20);
}

TEST(Engine, PolicyOptionsAreChecked) {
  EXPECT_THROW(make_policies({"heap:colours=0x10"}), std::invalid_argument);
  EXPECT_THROW(make_policies({"heap:colours=2000000"}), std::invalid_argument);
  EXPECT_THROW(make_policies({"rwx:colours=4"}), std::invalid_argument);
  EXPECT_EQ(make_policies({"heap:colours=4", "stack"}).size(), 2u);
}

TEST(Engine, OnlyAttachedHartsHaveHooks) {
  TaggedRun r("tags_benign_sort", {"heap"}, 2);
  EXPECT_NE(r.machine.hart(0).hooks(), nullptr);
  EXPECT_EQ(r.machine.hart(1).hooks(), nullptr);
}

}  // namespace unitag::tags

namespace unitag::tags {
// A debugger's memory write (the gdb stub's M/X packets poke through hart 0) reaches the tags:
// stack, not subscribed to host writes, forgets that the word held a return address; heap keeps
// the word's allocation but drops the pointer colour it held. Words beside it keep their tags.
TEST(Engine, DebuggerWritesResetTheWordsTags) {
  TaggedRun r("tags_benign_hash", {"heap", "stack"});
  TagTable& table = r.engine->table();
  constexpr Meta kHeapWord = 5 | Meta{7} << 32;  // a word of colour 5 holding a pointer of 7
  const Tag tagged = table.with_member(table.with_member(0, 0, kHeapWord), 1, 1);
  const uint64_t addr = Bus::kRamBase + 0x200000;
  for (uint64_t a = addr; a < addr + 24; a += 8) r.engine->shadow().set(a, tagged);
  const uint64_t bytes = 0x1122334455667788;
  ASSERT_TRUE(r.machine.hart(0).poke(addr + 8, &bytes, 8, HostWriteSource::kDebugger));
  const Tag written = r.engine->shadow().get(addr + 8);
  EXPECT_EQ(table.member(written, 0), 5u) << r.engine->describe(written, Site::kMemory);
  EXPECT_EQ(table.member(written, 1), 0u) << r.engine->describe(written, Site::kMemory);
  EXPECT_EQ(r.engine->shadow().get(addr), tagged);
  EXPECT_EQ(r.engine->shadow().get(addr + 16), tagged);
}

// Every subset of the registered policies composes (kMaxPolicies holds them all; the allocator
// policies heap, mte and bounds each see every bound call) and runs a benign program clean.
TEST(Engine, EverySubsetOfThePoliciesComposesAndRunsClean) {
  const auto& all = all_policies();
  ASSERT_LE(all.size(), kMaxPolicies);
  for (uint32_t subset = 1; subset < (1u << all.size()); ++subset) {
    std::vector<std::string> names;
    for (size_t i = 0; i < all.size(); ++i)
      if (subset >> i & 1) names.emplace_back(all[i].name);
    TaggedRun r("tags_bounds_benign", names);
    const RunResult result = r.machine.run();
    ASSERT_EQ(result.reason, StopReason::kGuestExit)
        << fmt::format("{}: {}", fmt::join(names, ","), result.message);
    ASSERT_EQ(result.exit_code, 0) << fmt::format("{}", fmt::join(names, ","));
    // Every merge of concrete rules into a canonical one gave the same outcome.
    const auto canonical = r.engine->stats()["canonical_rules"];
    ASSERT_EQ(canonical["unsound_merges"].get<uint64_t>(), 0u)
        << fmt::format("{}: {}", fmt::join(names, ","), canonical.dump());
  }
}

}  // namespace unitag::tags
