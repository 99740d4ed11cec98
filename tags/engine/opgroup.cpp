#include "tags/engine/opgroup.h"

namespace unitag::tags {
namespace {
constexpr uint8_t kRa = 1, kT0 = 5;
bool is_link(uint8_t rd) { return rd == kRa || rd == kT0; }
}  // namespace

OpGroup classify(const DecodedInsn& d) {
  switch (d.op) {
    case Op::addi:
      return d.imm == 0 ? OpGroup::kMove : OpGroup::kAdd;
    case Op::add:
    case Op::sub:
      return OpGroup::kAdd;
    case Op::and_:
    case Op::andi:
    case Op::or_:
    case Op::ori:
    case Op::xor_:
    case Op::xori:
      return OpGroup::kLogic;
    case Op::ld:
      return OpGroup::kLoad64;
    case Op::sd:
      return OpGroup::kStore64;
    case Op::jal:
      return d.arch_rd() == 0 ? OpGroup::kJump : OpGroup::kCall;
    case Op::jalr:
      if (is_link(d.arch_rd())) return OpGroup::kCallIndirect;
      // t0 is the alternate link register (gcc's -msave-restore millicode returns through it).
      if (d.arch_rd() == 0 && is_link(d.rs1) && d.imm == 0) return OpGroup::kReturn;
      return OpGroup::kJumpIndirect;
    // Moves between and within the register files copy the bits, and so the tag: a pointer
    // parked in an FP register (fmv.d.x, fmv.d = fsgnj.d f, g, g) comes back with its tag.
    // (The 32-bit moves are not: they keep half a pointer at most.)
    case Op::fmv_x_d:
    case Op::fmv_d_x:
      return OpGroup::kMove;
    case Op::fsgnj_d:
      return d.rs1 == d.rs2 ? OpGroup::kMove : OpGroup::kFpOther;
    case Op::tag_alloc:
      return OpGroup::kTagAlloc;
    case Op::tag_free:
      return OpGroup::kTagFree;
    case Op::tag_get:
      return OpGroup::kTagGet;
    case Op::tag_bound:
      return OpGroup::kTagBound;
    case Op::tag_settype:
      return OpGroup::kTagSetType;
    case Op::tag_typeof:
      return OpGroup::kTagTypeOf;
    case Op::tag_tadd:
    case Op::tag_tsub:
    case Op::tag_tlt:
      return OpGroup::kTypedAlu;
    case Op::tag_image:
      return OpGroup::kTagImage;
    default:
      break;
  }
  switch (d.group()) {
    case Group::Alu:
    case Group::MulDiv:
      return OpGroup::kAluOther;
    case Group::Load:
      return OpGroup::kLoad;
    case Group::Store:
      return OpGroup::kStore;
    case Group::Amo:
    case Group::LoadReserved:
    case Group::StoreConditional:
      return OpGroup::kAmo;
    case Group::Branch:
      return OpGroup::kBranch;
    case Group::Csr:
      return OpGroup::kCsr;
    case Group::Fence:
    case Group::FenceI:
    case Group::System:
      return OpGroup::kSystem;
    case Group::FpLoad:
      return OpGroup::kFpLoad;
    case Group::FpStore:
      return OpGroup::kFpStore;
    case Group::FpAlu:
      return OpGroup::kFpOther;
    default:
      return OpGroup::kIllegal;
  }
}

std::string_view opgroup_name(OpGroup g) {
  static constexpr std::string_view kNames[] = {
      "move",          "add",     "logic",         "alu",         "load",       "load64",
      "store",         "store64", "amo",           "branch",      "jump",       "call",
      "call-indirect", "return",  "jump-indirect", "csr",         "system",     "tag.alloc",
      "tag.free",      "tag.get", "tag.bound",     "tag.settype", "tag.typeof", "typed-alu",
      "tag.image",     "fp-load", "fp-store",      "fp",          "illegal"};
  return kNames[static_cast<size_t>(g)];
}

bool accesses_memory(OpGroup g) {
  switch (g) {
    case OpGroup::kLoad:
    case OpGroup::kLoad64:
    case OpGroup::kStore:
    case OpGroup::kStore64:
    case OpGroup::kAmo:
    case OpGroup::kFpLoad:
    case OpGroup::kFpStore:
    case OpGroup::kTagGet:
      return true;
    default:
      return false;
  }
}

bool writes_memory(OpGroup g) {
  return g == OpGroup::kStore || g == OpGroup::kStore64 || g == OpGroup::kAmo ||
         g == OpGroup::kFpStore;
}

bool writes_rd(OpGroup g) {
  switch (g) {
    case OpGroup::kMove:
    case OpGroup::kAdd:
    case OpGroup::kLogic:
    case OpGroup::kAluOther:
    case OpGroup::kLoad:
    case OpGroup::kLoad64:
    case OpGroup::kAmo:
    case OpGroup::kCall:
    case OpGroup::kCallIndirect:
    case OpGroup::kJump:
    case OpGroup::kJumpIndirect:
    case OpGroup::kCsr:
    case OpGroup::kTagAlloc:
    case OpGroup::kTagGet:
    case OpGroup::kTagBound:
    case OpGroup::kTagSetType:
    case OpGroup::kTagTypeOf:
    case OpGroup::kTypedAlu:
      return true;
    default:
      return false;
  }
}

unsigned access_bytes(const DecodedInsn& d) { return d.operands().mem_bytes; }

}  // namespace unitag::tags
