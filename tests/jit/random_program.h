// Random RV64IM(C) programs for the translation tier's differential test: loops of arithmetic,
// branches, jumps, data loads and stores, CSR reads, faulting accesses a handler skips, and an
// instruction each turn rewrites in place (a store into code, with or without fence.i).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace unitag {
class Hart;
}

namespace unitag::test {

struct RandomProgram {
  std::vector<uint16_t> parcels;  // little-endian halfwords from the code address
  uint64_t patch_offset = 0;      // the rewritten instruction, from the code address
  uint64_t end_offset = 0;        // the final self-loop
};

// Registers the generated code keeps for itself (never a random destination).
inline constexpr unsigned kDataBase = 8;    // s0: the data area
inline constexpr unsigned kPatchAddr = 9;   // s1: the rewritten instruction
inline constexpr unsigned kLoopCount = 31;  // t6
inline constexpr unsigned kScratchA = 7;    // t2
inline constexpr unsigned kScratchB = 28;   // t3
inline constexpr unsigned kHandlerA = 29;   // t4: sum of trap causes
inline constexpr unsigned kHandlerB = 30;   // t5

RandomProgram random_program(std::mt19937_64& rng, unsigned body_insns, bool fence_after_patch);
// The trap handler: adds mcause to t4, steps mepc over the (4-byte) faulting instruction.
std::vector<uint32_t> skipping_handler();

// Where a program runs: its code, the handler (mtvec) and 2 KiB of data words drawn from seed.
struct ProgramPlace {
  uint64_t code = 0, handler = 0, data = 0;
  static constexpr uint64_t kDataBytes = 2048;
};
// Writes the program, the handler and the data into h's memory and starts h at the program with
// random registers (from seed) and the registers the program keeps for itself set.
void place_program(Hart& h, const RandomProgram& p, const ProgramPlace& at, uint64_t seed);

}  // namespace unitag::test
