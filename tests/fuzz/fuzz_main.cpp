// The libFuzzer entry point of one target, chosen at compile time (UNITAG_FUZZ_TARGET).
#include "tests/fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return unitag::fuzz::UNITAG_FUZZ_TARGET(data, size);
}
