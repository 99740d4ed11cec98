// Opgroups: what an instruction does to tags, at the granularity policies reason about (PUMP's
// opgroups). Finer than the machine's Group: a call, a return and a computed jump are all `jalr`
// to the machine but mean different things to cfi and stack; a 64-bit load can carry a pointer,
// a byte load cannot. Computed once per decoded instruction.
#pragma once

#include <cstdint>
#include <string_view>

#include "machine/isa/insn.h"

namespace unitag::tags {

enum class OpGroup : uint8_t {
  kMove,      // mv (addi rd, rs1, 0), fmv.x.d, fmv.d.x, fmv.d: the value, and its tag, is copied
  kAdd,       // add/addi/sub with a pointer operand possible (pointer arithmetic)
  kLogic,     // and/or/xor (alignment masks on pointers)
  kAluOther,  // every other integer result: a fresh value, not a pointer or return address
  kLoad,      // load narrower than 64 bits
  kLoad64,    // ld: may carry a pointer or a return address
  kStore,     // store narrower than 64 bits
  kStore64,   // sd
  kAmo,       // atomic read-modify-write (and lr/sc)
  kBranch,
  kJump,          // jal x0: direct jump
  kCall,          // jal with a link register: direct call
  kCallIndirect,  // jalr with a link register: call through a pointer
  kReturn,        // jalr x0, 0(ra) (or 0(t0), the alternate link register)
  kJumpIndirect,  // any other jalr: computed jump (switch tables, tail calls)
  kCsr,
  kSystem,    // ecall, ebreak, mret, wfi, fences
  kTagAlloc,  // custom-0 tag instructions
  kTagFree,
  kTagGet,
  kTagBound,    // tag.bound: narrows a pointer's bounds (the bounds policy)
  kTagSetType,  // tag.settype: rd = rs1 with the type tag rs2 (the types policy)
  kTagTypeOf,   // tag.typeof: rd = rs1's type tag
  kTypedAlu,    // tag.tadd, tag.tsub, tag.tlt: integer ALU whose rule checks operand types
  kTagImage,    // tag.image: a loader hands over a page of a program image (machine mode)
  kFpLoad,
  kFpStore,
  kFpOther,
  kIllegal,
  kCount
};

OpGroup classify(const DecodedInsn& d);
std::string_view opgroup_name(OpGroup g);
// Whether the opgroup reads or writes a memory word (its MEM tag is an input).
bool accesses_memory(OpGroup g);
// Whether it writes a new tag into the memory word.
bool writes_memory(OpGroup g);
// Whether it writes rd (an integer register) and so rd's tag.
bool writes_rd(OpGroup g);
// How many bytes a load, store, AMO or LR/SC reads or writes (1, 2, 4 or 8); 0 for anything else.
unsigned access_bytes(const DecodedInsn& d);

}  // namespace unitag::tags
