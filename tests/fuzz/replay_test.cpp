// Replays every seed (tests/fuzz/corpus/<target>/) and every input a fuzzer once crashed on
// (tests/fuzz/regressions/<target>/) through its target, so `make test` covers them without
// clang. A failing input aborts this test the way it crashed the fuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace unitag::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Replay : public ::testing::TestWithParam<Target> {};

TEST_P(Replay, SeedsAndRegressionsRunCleanly) {
  const Target& target = GetParam();
  size_t seeds = 0;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(UNITAG_FUZZ_INPUTS) / kind / target.name;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      const std::vector<uint8_t> bytes = read_bytes(e.path());
      SCOPED_TRACE(e.path().string());
      EXPECT_EQ(target.run(bytes.data(), bytes.size()), 0);
      if (std::string(kind) == "corpus") ++seeds;
    }
  }
  EXPECT_GE(seeds, 2u) << "every target keeps a few seeds in tests/fuzz/corpus/" << target.name;
}

INSTANTIATE_TEST_SUITE_P(Targets, Replay, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace unitag::fuzz
