// How a value moves through an instruction, for the information-flow policies (taint, ifc):
// both follow the same explicit flows and differ only in what they carry and where it may go.
#pragma once

#include "tags/engine/opgroup.h"

namespace unitag::tags {

enum class Flow {
  kCompute,   // rd from every source operand (integer, FP and moves; rs3 of fused multiply-adds)
  kLoad,      // rd from the memory word (and the address in rs1)
  kStore,     // the memory word from rs2 (an AMO also returns the old word in rd)
  kTransfer,  // an indirect jump, call or return through rs1
  kNone,      // a fresh value or none: links, CSRs, branches, system, tag instructions
};

constexpr Flow flow_of(OpGroup op) {
  switch (op) {
    case OpGroup::kMove:
    case OpGroup::kTagSetType:
    case OpGroup::kTypedAlu:
    case OpGroup::kAdd:
    case OpGroup::kLogic:
    case OpGroup::kAluOther:
    case OpGroup::kFpOther:
      return Flow::kCompute;
    case OpGroup::kLoad:
    case OpGroup::kLoad64:
    case OpGroup::kFpLoad:
      return Flow::kLoad;
    case OpGroup::kStore:
    case OpGroup::kStore64:
    case OpGroup::kFpStore:
    case OpGroup::kAmo:
      return Flow::kStore;
    case OpGroup::kCallIndirect:
    case OpGroup::kJumpIndirect:
    case OpGroup::kReturn:
      return Flow::kTransfer;
    default:
      return Flow::kNone;
  }
}

}  // namespace unitag::tags
