// Where each function keeps its local arrays and structs, read from the image's DWARF (elfutils
// libdw) and its call frame information, so `bounds` can give each local object its own region
// when its function opens a frame, without recompiling the guest.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tags/engine/image_facts.h"

namespace unitag::tags {

struct StackLocal {
  std::string name, function;
  int64_t cfa_offset = 0;  // from the canonical frame address: sp at the function's entry
  uint64_t size = 0;
  unsigned tail = 0;  // bytes of its last word past its end that no other object of the frame uses
};

// At an instruction that moves sp: the CFA is sp (before the move) + cfa_from_sp, and these
// locals (indices into StackLocals::locals) get tagged (a frame opens) or their tails released.
struct FrameLocals {
  int64_t cfa_from_sp = 0;
  std::vector<uint32_t> locals;
};

struct StackLocals {
  // Empty when the image has what is needed; otherwise why stack locals stay unbounded.
  std::string missing;
  std::vector<StackLocal> locals;
  std::unordered_map<uint64_t, FrameLocals> opens;    // each function's first `addi sp, sp, -N`
  std::unordered_map<uint64_t, FrameLocals> closes;   // `addi sp, sp, N` of functions with tails
  std::unordered_map<uint64_t, uint32_t> address_at;  // `addi rd, sp, k` giving a local's start
  // Access pc -> the local it is meant for, where the compiler indexes the frame itself
  // (`add a0, a5, sp; lw a5, -32(a0)`): no pointer to the local exists, but the access's static
  // address (the frame's base plus every constant on the way) is the local's start, or lies in
  // the word below it outside every bounded local (an index's -1 folded into the offset).
  std::unordered_map<uint64_t, uint32_t> reaches;
};

// Whether, on any path from the instruction after pc through its function's branches and loops
// (calls fall through, returns end a path), the address in register `reg` or a pointer computed
// from it is accessed at a constant offset outside [low, high): the compiler's base for other
// objects too (a section anchor, a frame slot), so it must not get one object's bounds.
bool used_as_anchor(const ImageFacts& facts, uint64_t pc, unsigned reg, int64_t low, int64_t high);

// Locals with a single DW_OP_fbreg location under a DW_OP_call_frame_cfa frame base (GCC's
// choice for RISC-V), whose type is an array, struct or union of known size. Locals that share
// a word with another such local (the later one) or share stack slots (both) are left out.
StackLocals find_stack_locals(const ImageFacts& facts);

// The element size of each global array (static locals too) by its address, from DWARF: what an
// access meant for one of its elements looks like (its size and alignment within the array).
std::unordered_map<uint64_t, uint64_t> global_array_elements(const ImageFacts& facts);

}  // namespace unitag::tags
