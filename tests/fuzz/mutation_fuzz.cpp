// Bounded fuzzing without clang, for `make test` and CI: mutates the seeds of one target
// (tests/fuzz/corpus/<target>/) at random for a fixed time and runs every mutant through it.
// Blind where libFuzzer (`make fuzz`) is coverage-guided, but it runs in every build, ASan's
// included, so each CI run fuzzes every target a little. A bug aborts the process as it would
// the fuzzer; the input that did it is left in ./fuzz-crash-<target> first.
//
//   fuzz_mutate TARGET SECONDS [SEED]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace unitag::fuzz {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

std::vector<Bytes> load_seeds(const std::string& target) {
  std::vector<Bytes> seeds;
  for (const char* kind : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(UNITAG_FUZZ_INPUTS) / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return seeds;
}

class Mutator {
 public:
  Mutator(uint64_t seed, size_t max_size) : rng_(seed), max_size_(max_size) {}

  Bytes mutate(const std::vector<Bytes>& seeds) {
    Bytes b = seeds[pick(seeds.size())];
    const unsigned rounds = 1 + pick(8);
    for (unsigned r = 0; r < rounds; ++r) mutate_once(b, seeds);
    if (b.size() > max_size_) b.resize(max_size_);
    return b;
  }

 private:
  size_t pick(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }

  void mutate_once(Bytes& b, const std::vector<Bytes>& seeds) {
    static constexpr uint64_t kInteresting[] = {
        0,      1,      0x7f,       0x80,       0xff,       0x7fff,
        0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x80000000ull << 32,
        ~0ull};
    switch (pick(b.empty() ? 2 : 8)) {
      case 0:  // insert random bytes
      case 1: {
        const size_t at = pick(b.size() + 1), n = 1 + pick(16);
        Bytes add(n);
        for (auto& x : add) x = static_cast<uint8_t>(rng_());
        b.insert(b.begin() + static_cast<ptrdiff_t>(at), add.begin(), add.end());
        break;
      }
      case 2:  // flip a bit
        b[pick(b.size())] ^= static_cast<uint8_t>(1u << pick(8));
        break;
      case 3:  // a random byte
        b[pick(b.size())] = static_cast<uint8_t>(rng_());
        break;
      case 4: {  // an interesting 1-, 2-, 4- or 8-byte value
        const size_t width = size_t{1} << pick(4), at = pick(b.size());
        const uint64_t v = kInteresting[pick(std::size(kInteresting))];
        for (size_t i = 0; i < width && at + i < b.size(); ++i)
          b[at + i] = static_cast<uint8_t>(v >> (8 * i));
        break;
      }
      case 5: {  // erase a range
        const size_t at = pick(b.size()), n = 1 + pick(std::min<size_t>(b.size() - at, 32));
        b.erase(b.begin() + static_cast<ptrdiff_t>(at), b.begin() + static_cast<ptrdiff_t>(at + n));
        break;
      }
      case 6: {  // copy a range elsewhere
        const size_t from = pick(b.size()), n = 1 + pick(std::min<size_t>(b.size() - from, 64));
        const Bytes part(b.begin() + static_cast<ptrdiff_t>(from),
                         b.begin() + static_cast<ptrdiff_t>(from + n));
        b.insert(b.begin() + static_cast<ptrdiff_t>(pick(b.size() + 1)), part.begin(), part.end());
        break;
      }
      default: {  // splice: this input's head, another seed's tail
        const Bytes& other = seeds[pick(seeds.size())];
        if (other.empty()) break;
        const size_t cut = pick(b.size()), from = pick(other.size());
        b.resize(cut);
        b.insert(b.end(), other.begin() + static_cast<ptrdiff_t>(from), other.end());
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  size_t max_size_;
};

int run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_mutate TARGET SECONDS [SEED]\n");
    return 64;
  }
  const std::string name = argv[1];
  const Target* target = nullptr;
  for (const Target& t : kTargets)
    if (name == t.name) target = &t;
  if (target == nullptr) {
    std::fprintf(stderr, "fuzz_mutate: no target %s\n", name.c_str());
    return 64;
  }
  const double seconds = std::atof(argv[2]);
  const uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 0) : 1;
  const std::vector<Bytes> seeds = load_seeds(name);
  if (seeds.empty()) {
    std::fprintf(stderr, "fuzz_mutate: no seeds for %s\n", name.c_str());
    return 66;
  }
  Mutator mutator(seed, name == "elf_loader" ? 65536 : 8192);
  const std::string crash_file = "fuzz-crash-" + name;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const Bytes input = mutator.mutate(seeds);
    {  // left behind only if the target aborts
      std::ofstream out(crash_file, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(input.data()),
                static_cast<std::streamsize>(input.size()));
    }
    target->run(input.data(), input.size());
    ++runs;
  }
  std::remove(crash_file.c_str());
  std::printf("fuzz_mutate: %s: %llu mutants of %zu seeds in %.0f s (seed %llu), no failure\n",
              name.c_str(), static_cast<unsigned long long>(runs), seeds.size(), seconds,
              static_cast<unsigned long long>(seed));
  return 0;
}

}  // namespace
}  // namespace unitag::fuzz

int main(int argc, char** argv) { return unitag::fuzz::run(argc, argv); }
