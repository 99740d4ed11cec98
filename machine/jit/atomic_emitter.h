// RV64A in translated blocks: AMOs and LR/SC as calls to helpers instantiated from the table's
// own rv64a bodies, on RAM only; device memory, faults and code pages go to the interpreter.
#pragma once

#include "machine/isa/insn.h"
#include "machine/jit/fp_emitter.h"

namespace unitag {
class Hart;
}

namespace unitag::jit {

constexpr bool is_atomic_group(Group g) {
  return g == Group::Amo || g == Group::LoadReserved || g == Group::StoreConditional;
}

// Whether emit_atomic translates `d` (every AMO, LR and SC).
bool translates_atomic(const DecodedInsn& d);

// Code for the atomic instruction `d`; where the interpreter would trap, take a device's
// compare-and-swap or invalidate translated code, it jumps to `hand_back` with nothing done.
void emit_atomic(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
                 const Xbyak::Label& hand_back);

// The helpers' access to the hart's atomic path (a friend of Hart).
struct AtomicHelpers {
  template <Op O>
  static bool run(Hart* hart, uint64_t operands);
};

}  // namespace unitag::jit
