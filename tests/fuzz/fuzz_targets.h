// unitag's fuzz targets (docs/fuzzing.md): one function per attack surface, each taking one input.
// A bug aborts (a failed FUZZ_CHECK or a sanitizer report). libFuzzer binaries wrap one target
// each (fuzz_main.cpp, `make fuzz`); fuzz_replay_test runs the corpora through all of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace unitag::fuzz {

using TargetFunction = int (*)(const uint8_t* data, size_t size);

int decoder(const uint8_t* data, size_t size);
int executor(const uint8_t* data, size_t size);
int elf_loader(const uint8_t* data, size_t size);
int rsp(const uint8_t* data, size_t size);
int semihost(const uint8_t* data, size_t size);
int policies(const uint8_t* data, size_t size);

// Names of registered tag policies that compose: those whose bits are set in `mask` (all when 0),
// (every subset composes).
std::vector<std::string> composable_policies(uint32_t mask = 0);

struct Target {
  const char* name;  // also the folder of its corpus: tests/fuzz/corpus/<name>/
  TargetFunction run;
};
inline constexpr Target kTargets[] = {{"decoder", decoder},       {"executor", executor},
                                      {"elf_loader", elf_loader}, {"rsp", rsp},
                                      {"semihost", semihost},     {"policies", policies}};

// Reads fields off the front of a fuzz input; past its end every read gives zeros, so a target
// never needs to check sizes.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  template <typename T>
  T take() {
    T value{};
    auto* out = reinterpret_cast<uint8_t*>(&value);
    for (size_t i = 0; i < sizeof(T) && at_ < size_; ++i) out[i] = data_[at_++];
    return value;
  }
  size_t left() const { return size_ - at_; }
  const uint8_t* rest() const { return data_ + at_; }
  void skip(size_t n) { at_ += n < left() ? n : left(); }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace unitag::fuzz

// An invariant of the code under test; abort so libFuzzer saves the input as a crash.
#define FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::unitag::fuzz::check_failed(#cond, __FILE__, __LINE__))
