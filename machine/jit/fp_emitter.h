// RV64F/D in translated blocks: loads and stores inline through the memory window, every other
// FP instruction a call to a helper instantiated from the instruction table's own bodies, so
// flags, NaN boxing, rounding modes and mstatus.FS behave exactly as interpreted.
#pragma once

#include <xbyak/xbyak.h>

#include <functional>

#include "machine/isa/insn.h"

namespace unitag::jit {

// The host registers a block keeps (block_emitter.cpp assigns them).
struct BlockRegs {
  Xbyak::Reg64 x;             // &hart.x[0]
  Xbyak::Reg64 window_base;   // BlockContext::window_base
  Xbyak::Reg64 window_limit;  // BlockContext::window_limit
  Xbyak::Reg64 window_host;   // BlockContext::window_host
  Xbyak::Reg64 context;       // the BlockContext
};

// A call to helper(hart, operands) (bool (*)(Hart*, uint64_t), operands packed by the caller)
// that jumps to `hand_back` when the helper returns false: out-of-line instructions (FP here,
// AMOs in atomic_emitter.cpp) running the interpreter's semantics, refusing what it would trap.
void emit_call_or_hand_back(Xbyak::CodeGenerator& c, const BlockRegs& regs, const void* helper,
                            uint64_t operands, const Xbyak::Label& hand_back);

// Whether emit_fp translates `d` (every FP instruction the decoder produces).
bool translates_fp(const DecodedInsn& d);

// With tags compiled in (tag_check_emitter.h): the instruction's check, emitted once nothing
// can hand the instruction back any more and before any of its effects (for a load or store
// rax holds the access's window offset), and what surrounds a call out of generated code.
struct FpTagHooks {
  std::function<void()> check, before_call, after_call;
};

// Code for the FP instruction `d`. Where the interpreter would trap or take its slow path (FS
// off, a reserved rounding mode, an access outside the window, a store into code) it jumps to
// `hand_back` with no effect done, and the interpreter runs the instruction itself.
void emit_fp(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
             const Xbyak::Label& hand_back, const FpTagHooks* tags = nullptr);

}  // namespace unitag::jit
