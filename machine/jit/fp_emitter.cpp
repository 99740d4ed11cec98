#include "machine/jit/fp_emitter.h"

#include <cstddef>

#include "machine/hart/hart.h"
#include "machine/isa/arith.h"
#include "machine/isa/fp.h"
#include "machine/jit/block_cache.h"
#include "machine/jit/table_rows.h"

namespace unitag::jit {
namespace {

using namespace Xbyak::util;

// An instruction's register fields and rounding mode, packed into one immediate of the call.
struct FpFields {
  uint8_t rd, rs1, rs2, rs3, rm;
  int32_t imm;
  static uint64_t pack(const DecodedInsn& d) {
    return uint64_t{d.rd} | uint64_t{d.rs1} << 8 | uint64_t{d.rs2} << 16 | uint64_t{d.rs3} << 24 |
           uint64_t{d.rm} << 32;
  }
  static FpFields unpack(uint64_t p) {
    return {static_cast<uint8_t>(p),       static_cast<uint8_t>(p >> 8),
            static_cast<uint8_t>(p >> 16), static_cast<uint8_t>(p >> 24),
            static_cast<uint8_t>(p >> 32), 0};
  }
};

// The table's body of op O with the execute loop's operand macros over hart `h` (a template
// parameter, so the rows not instantiated are never compiled: loads and stores are inline in
// the generated code instead). False, with nothing changed, where the interpreter would trap:
// a reserved rounding mode.
#define RD h.x[d.rd]
#define RS1 h.x[d.rs1]
#define IMM \
  int64_t { d.imm }
#define FRD h.f[d.rd]
#define FRS1 h.f[d.rs1]
#define FRS2 h.f[d.rs2]
#define FRS1_S fp::unbox(h.f[d.rs1])
#define FRS2_S fp::unbox(h.f[d.rs2])
#define FRS3_S fp::unbox(h.f[d.rs3])
#define FRS1_D fp::as_double(h.f[d.rs1])
#define FRS2_D fp::as_double(h.f[d.rs2])
#define FRS3_D fp::as_double(h.f[d.rs3])
#define FFLAGS h.fflags
#define RM                                                \
  ({                                                      \
    const unsigned rm_ = d.rm == fp::kDyn ? h.frm : d.rm; \
    if (rm_ > fp::kRmm) [[unlikely]]                      \
      return false;                                       \
    rm_;                                                  \
  })
#define LOAD(T, addr) h.template translated_load<T>(addr)
#define STORE(T, addr, value) h.template translated_store<T>(addr, value)
template <Op O, class H>
bool fp_semantics(H& h, const FpFields& d) {
#define INSN UNITAG_JIT_ROW_IF
#include "machine/isa/rv64d.inc"
#include "machine/isa/rv64f.inc"
#undef INSN
  return false;
}
#undef RD
#undef RS1
#undef IMM
#undef FRD
#undef FRS1
#undef FRS2
#undef FRS1_S
#undef FRS2_S
#undef FRS3_S
#undef FRS1_D
#undef FRS2_D
#undef FRS3_D
#undef FFLAGS
#undef RM
#undef LOAD
#undef STORE

// Called from generated code. mstatus.FS as the execute loop's FP_STATE_CHECK: Off refuses
// (the interpreter raises the illegal instruction), else the state becomes Dirty.
template <Op O>
bool fp_helper(Hart* hart, uint64_t packed) {
  if ((hart->mstatus & mstatus::kFs) == 0) [[unlikely]]
    return false;
  hart->mstatus |= mstatus::kFs;
  return fp_semantics<O>(*hart, FpFields::unpack(packed));
}

using FpHelper = bool (*)(Hart*, uint64_t);
template <Op O, Group G>
constexpr FpHelper helper_for() {
  if constexpr (G == Group::FpAlu)
    return &fp_helper<O>;
  else
    return nullptr;
}
FpHelper helper_of(Op op) {
  switch (op) {
#define INSN(name, match, mask, fmt, group, body) \
  case Op::name:                                  \
    return helper_for<Op::name, Group::group>();
#include "machine/isa/rv64d.inc"
#include "machine/isa/rv64f.inc"
#undef INSN
    default:
      return nullptr;
  }
}

}  // namespace

void emit_call_or_hand_back(Xbyak::CodeGenerator& c, const BlockRegs& regs, const void* helper,
                            uint64_t operands, const Xbyak::Label& hand_back) {
  c.mov(rdi, qword[regs.context + offsetof(BlockContext, hart)]);
  c.mov(rsi, operands);
  c.mov(rax, reinterpret_cast<uint64_t>(helper));
  c.call(rax);
  c.test(al, al);
  c.jz(hand_back, Xbyak::CodeGenerator::T_NEAR);
}

bool translates_fp(const DecodedInsn& d) {
  const Group g = d.group();
  return g == Group::FpLoad || g == Group::FpStore || helper_of(d.op) != nullptr;
}

namespace {

void emit_helper_call(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
                      const Xbyak::Label& hand_back, const FpTagHooks* tags) {
  if (tags) tags->before_call();
  emit_call_or_hand_back(c, regs, reinterpret_cast<const void*>(helper_of(d.op)), FpFields::pack(d),
                         hand_back);
  if (tags) tags->after_call();
}

// With tags, what could refuse the instruction after its check is tested before it: FS off and
// a reserved rounding mode (the helpers' only refusals), so the check runs exactly once.
void check_before_effects(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
                          const Xbyak::Label& hand_back, const FpTagHooks& tags) {
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, mstatus)]);
  c.test(qword[rdx], static_cast<uint32_t>(mstatus::kFs));
  c.jz(hand_back, Xbyak::CodeGenerator::T_NEAR);
  if (d.rm == fp::kDyn) {
    c.mov(rax, qword[regs.context + offsetof(BlockContext, frm)]);
    c.cmp(dword[rax], fp::kRmm);
    c.ja(hand_back, Xbyak::CodeGenerator::T_NEAR);
  } else if (d.rm > fp::kRmm) {
    c.jmp(hand_back, Xbyak::CodeGenerator::T_NEAR);
  }
  tags.check();
}

// The double-precision ops compiled code spends its time in, inline when they round to nearest
// even (static rm, or dynamic with frm 0): the interpreter's fp::compute is then the bare host
// instruction plus NaN canonicalisation, and flags stay pending in MXCSR exactly as there.
// Moves (fmv.d, fmv.x.d, fmv.d.x) copy bits. Other rounding modes take the helper.
bool inline_double(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
                   const Xbyak::Label& hand_back, const FpTagHooks* tags) {
  const bool arith = d.op == Op::fadd_d || d.op == Op::fsub_d || d.op == Op::fmul_d ||
                     d.op == Op::fdiv_d || d.op == Op::fsqrt_d;
  const bool move =
      (d.op == Op::fsgnj_d && d.rs1 == d.rs2) || d.op == Op::fmv_x_d || d.op == Op::fmv_d_x;
  if (!(arith && (d.rm == fp::kRne || d.rm == fp::kDyn)) && !move) return false;
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, mstatus)]);
  c.test(qword[rdx], static_cast<uint32_t>(mstatus::kFs));
  c.jz(hand_back, Xbyak::CodeGenerator::T_NEAR);
  c.or_(qword[rdx], static_cast<uint32_t>(mstatus::kFs));
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, f)]);
  if (move) {
    if (d.op == Op::fmv_x_d) {
      c.mov(rax, qword[rdx + d.rs1 * 8]);
      c.mov(qword[regs.x + d.rd * 8], rax);
    } else {
      c.mov(rax, qword[(d.op == Op::fmv_d_x ? regs.x : rdx) + d.rs1 * 8]);
      c.mov(qword[rdx + d.rd * 8], rax);
    }
    return true;
  }
  Xbyak::Label slow, done, canonical;
  if (d.rm == fp::kDyn) {
    c.mov(rax, qword[regs.context + offsetof(BlockContext, frm)]);
    c.cmp(dword[rax], 0);
    c.jne(slow, Xbyak::CodeGenerator::T_NEAR);
  }
  const Xbyak::Address rs1 = qword[rdx + d.rs1 * 8], rs2 = qword[rdx + d.rs2 * 8];
  if (d.op == Op::fsqrt_d) {
    c.sqrtsd(xmm0, rs1);
  } else {
    c.movsd(xmm0, rs1);
    if (d.op == Op::fadd_d) c.addsd(xmm0, rs2);
    if (d.op == Op::fsub_d) c.subsd(xmm0, rs2);
    if (d.op == Op::fmul_d) c.mulsd(xmm0, rs2);
    if (d.op == Op::fdiv_d) c.divsd(xmm0, rs2);
  }
  c.ucomisd(xmm0, xmm0);  // unordered: a NaN (always quiet here, so no flag)
  c.jp(canonical, Xbyak::CodeGenerator::T_NEAR);
  c.movsd(qword[rdx + d.rd * 8], xmm0);
  c.jmp(done, Xbyak::CodeGenerator::T_NEAR);
  c.L(canonical);
  c.mov(rax, fp::Layout<double>::kCanonicalNaN);
  c.mov(qword[rdx + d.rd * 8], rax);
  c.jmp(done, Xbyak::CodeGenerator::T_NEAR);
  c.L(slow);
  emit_helper_call(c, regs, d, hand_back, tags);
  c.L(done);
  return true;
}

}  // namespace

void emit_fp(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
             const Xbyak::Label& hand_back, const FpTagHooks* tags) {
  const Group g = d.group();
  if (g == Group::FpAlu) {
    if (tags) check_before_effects(c, regs, d, hand_back, *tags);
    if (!inline_double(c, regs, d, hand_back, tags)) emit_helper_call(c, regs, d, hand_back, tags);
    return;
  }
  // Loads and stores: FS first (the interpreter checks it before the access), then the
  // window as for integer accesses; a load marks FS Dirty once nothing can hand it back.
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, mstatus)]);
  c.test(qword[rdx], static_cast<uint32_t>(mstatus::kFs));
  c.jz(hand_back, Xbyak::CodeGenerator::T_NEAR);
  c.mov(rax, qword[regs.x + d.rs1 * 8]);
  if (d.imm) c.add(rax, d.imm);
  c.sub(rax, regs.window_base);
  c.cmp(rax, regs.window_limit);
  c.jae(hand_back, Xbyak::CodeGenerator::T_NEAR);
  const Xbyak::RegExp at = regs.window_host + rax;
  const bool is_double = d.op == Op::fld || d.op == Op::fsd;
  if (g == Group::FpLoad) {
    if (tags) {
      tags->check();
      c.mov(rdx, qword[regs.context + offsetof(BlockContext, mstatus)]);
    }
    c.or_(qword[rdx], static_cast<uint32_t>(mstatus::kFs));
    c.mov(rdx, qword[regs.context + offsetof(BlockContext, f)]);
    if (is_double) {
      c.mov(rcx, qword[at]);
    } else {  // flw NaN-boxes the raw bits
      c.mov(ecx, dword[at]);
      c.mov(rax, 0xffffffff00000000ull);
      c.or_(rcx, rax);
    }
    c.mov(qword[rdx + d.rd * 8], rcx);
    return;
  }
  // A store into a page holding decoded code goes to the interpreter, which invalidates.
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, window_code_pages)]);
  c.mov(rcx, rax);
  c.shr(rcx, 12);
  c.cmp(byte[rdx + rcx], 0);
  c.jne(hand_back, Xbyak::CodeGenerator::T_NEAR);
  if (tags) tags->check();
  c.mov(rdx, qword[regs.context + offsetof(BlockContext, f)]);
  c.mov(rcx, qword[rdx + d.rs2 * 8]);
  if (is_double)
    c.mov(qword[at], rcx);
  else
    c.mov(dword[at], ecx);
}

}  // namespace unitag::jit
