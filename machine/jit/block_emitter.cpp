#include "machine/jit/block_emitter.h"

#include <xbyak/xbyak.h>

#include <cstddef>

#include "machine/isa/arith.h"
#include "machine/jit/atomic_emitter.h"
#include "machine/jit/fp_emitter.h"

namespace unitag::jit {
namespace {

using namespace Xbyak::util;

// Host registers a block keeps for its whole run (all callee-saved).
const Xbyak::Reg64& kRegs = rbx;         // &hart.x[0]
const Xbyak::Reg64& kWindowBase = r12;   // BlockContext::window_base
const Xbyak::Reg64& kWindowLimit = r13;  // BlockContext::window_limit
const Xbyak::Reg64& kWindowHost = r14;   // BlockContext::window_host
const Xbyak::Reg64& kContext = r15;      // the BlockContext
const Xbyak::Reg64& kCount = rbp;        // BlockContext::count

// Division and the mixed-sign high multiply: the interpreter's own helpers (arith.h), so the
// architected results for division by zero and overflow are the same by construction.
uint64_t div_helper(uint64_t a, uint64_t b) { return u64(sdiv<int64_t>(i64(a), i64(b))); }
uint64_t divu_helper(uint64_t a, uint64_t b) { return udiv<uint64_t>(a, b); }
uint64_t rem_helper(uint64_t a, uint64_t b) { return u64(srem<int64_t>(i64(a), i64(b))); }
uint64_t remu_helper(uint64_t a, uint64_t b) { return urem<uint64_t>(a, b); }
uint64_t divw_helper(uint64_t a, uint64_t b) { return sext32(u32(sdiv<int32_t>(i32(a), i32(b)))); }
uint64_t divuw_helper(uint64_t a, uint64_t b) { return sext32(udiv<uint32_t>(u32(a), u32(b))); }
uint64_t remw_helper(uint64_t a, uint64_t b) { return sext32(u32(srem<int32_t>(i32(a), i32(b)))); }
uint64_t remuw_helper(uint64_t a, uint64_t b) { return sext32(urem<uint32_t>(u32(a), u32(b))); }
uint64_t mulhsu_helper(uint64_t a, uint64_t b) { return mulhsu(i64(a), b); }

using Helper = uint64_t (*)(uint64_t, uint64_t);
Helper helper_of(Op op) {
  switch (op) {
    case Op::div:
      return div_helper;
    case Op::divu:
      return divu_helper;
    case Op::rem:
      return rem_helper;
    case Op::remu:
      return remu_helper;
    case Op::divw:
      return divw_helper;
    case Op::divuw:
      return divuw_helper;
    case Op::remw:
      return remw_helper;
    case Op::remuw:
      return remuw_helper;
    case Op::mulhsu:
      return mulhsu_helper;
    default:
      return nullptr;
  }
}

// Code for one block; one instance per emit() (labels are per block).
class Emitter {
 public:
  Emitter(Xbyak::CodeGenerator& c, uint64_t pc, uint64_t end_pc, const TagLayout* tags,
          TagGuard* guard)
      : c_(c), page_(pc & ~kPageMask), end_pc_(end_pc), guard_(tags ? guard : nullptr) {
    if (tags)
      tags_ = std::make_unique<TagCheckEmitter>(c, *tags, kContext,
                                                offsetof(BlockContext, window_ram_offset), guard_);
  }

  // Returns the body's address: where chained blocks jump in, past the prologue and the loads of
  // the registers the tag checks keep.
  const uint8_t* block(const std::vector<DecodedInsn>& insns, uint64_t pc,
                       bool ends_at_interpreter) {
    prologue();
    if (tags_) tags_->enter();
    const uint8_t* body = c_.getCurr();
    if (guard_) tags_->guard(revalidate_);
    insn_count_ = insns.size();
    uint64_t at = pc;
    bool ended = false;
    for (size_t i = 0; i < insns.size(); ++i) {
      const DecodedInsn& d = insns[i];
      ended = instruction(d, at, i);
      at += d.len;
    }
    if (!ended) {
      if (ends_at_interpreter)
        exit_to(end_pc_, insns.size(), ExitKind::kHandBack);
      else
        go_to(end_pc_, insns.size());
    }
    // Out of line: the instruction at `pc` goes back to the interpreter, the ones before it
    // retired.
    for (const HandBack& h : hand_backs_) {
      c_.L(*h.label);
      if (tags_) tags_->leave_before(h.retired);
      exit_to(h.pc, h.retired, ExitKind::kHandBack);
    }
    if (tags_) tags_->finish();
    if (guard_) {  // before any instruction: the translator looks at the entries again
      c_.L(revalidate_);
      c_.mov(rax, reinterpret_cast<uint64_t>(guard_));
      c_.mov(qword[kContext + offsetof(BlockContext, guard)], rax);
      exit_to(pc, 0, ExitKind::kRevalidate);
    }
    chain_lookup();
    c_.L(epilogue_);
    c_.mov(qword[kContext + offsetof(BlockContext, count)], kCount);
    c_.add(rsp, 8);
    c_.pop(rbp);
    c_.pop(r15);
    c_.pop(r14);
    c_.pop(r13);
    c_.pop(r12);
    c_.pop(rbx);
    c_.ret();
    return body;
  }

 private:
  struct HandBack {
    std::unique_ptr<Xbyak::Label> label;
    uint64_t pc;
    size_t retired;
  };
  static constexpr uint64_t kPageMask = (uint64_t{1} << 12) - 1;

  static Xbyak::Address reg(unsigned r) { return qword[kRegs + r * 8]; }

  void prologue() {
    c_.push(rbx);
    c_.push(r12);
    c_.push(r13);
    c_.push(r14);
    c_.push(r15);
    c_.push(rbp);
    c_.sub(rsp, 8);  // with the return address: 64 bytes, so calls see a 16-byte aligned stack
    c_.mov(kContext, rdi);
    c_.mov(kRegs, qword[rdi + offsetof(BlockContext, x)]);
    c_.mov(kWindowBase, qword[rdi + offsetof(BlockContext, window_base)]);
    c_.mov(kWindowLimit, qword[rdi + offsetof(BlockContext, window_limit)]);
    c_.mov(kWindowHost, qword[rdi + offsetof(BlockContext, window_host)]);
    c_.mov(kCount, qword[rdi + offsetof(BlockContext, count)]);
  }

  // Leaves the generated code for next_pc (rax when dynamic), `retired` more instructions done.
  void exit_to(uint64_t next_pc, size_t retired, ExitKind kind) {
    if (retired) c_.add(kCount, static_cast<uint32_t>(retired));
    c_.mov(rax, next_pc);
    exit_with_rax(kind);
  }
  void exit_with_rax(ExitKind kind) {
    if (tags_) tags_->leave();
    c_.mov(qword[kContext + offsetof(BlockContext, next_pc)], rax);
    c_.mov(qword[kContext + offsetof(BlockContext, exit)], static_cast<uint32_t>(kind));
    c_.jmp(epilogue_, Xbyak::CodeGenerator::T_NEAR);
  }
  // Goes on at next_pc after `retired` more instructions: the interpreter's budget check where
  // it has one (a taken jump, a page crossing), then the next block directly when it is in
  // this page and translated, else back to the dispatcher.
  void go_to(uint64_t next_pc, size_t retired) {
    c_.add(kCount, static_cast<uint32_t>(retired));
    c_.mov(rax, next_pc);
    const bool same_page = (next_pc & ~kPageMask) == page_;
    if (next_pc != end_pc_ || !same_page) budget_check();
    if (same_page)
      c_.jmp(chain_, Xbyak::CodeGenerator::T_NEAR);
    else
      exit_with_rax(ExitKind::kLookup);
  }
  // The same for a computed target in rax.
  void go_to_rax(size_t retired) {
    c_.add(kCount, static_cast<uint32_t>(retired));
    Xbyak::Label sequential;
    if ((end_pc_ & ~kPageMask) == page_) {
      c_.mov(rcx, end_pc_);
      c_.cmp(rax, rcx);
      c_.je(sequential, Xbyak::CodeGenerator::T_NEAR);
    }
    budget_check();
    c_.L(sequential);
    c_.mov(rcx, rax);
    c_.shr(rcx, 12);
    c_.mov(rdx, page_ >> 12);
    c_.cmp(rcx, rdx);
    c_.je(chain_, Xbyak::CodeGenerator::T_NEAR);
    exit_with_rax(ExitKind::kLookup);
  }
  void budget_check() {
    Xbyak::Label within;
    c_.cmp(kCount, qword[kContext + offsetof(BlockContext, limit)]);
    c_.jb(within, Xbyak::CodeGenerator::T_NEAR);
    exit_with_rax(ExitKind::kBudget);
    c_.L(within);
  }
  // rax: a pc in this page. Jumps into its block's body when the chain table has it.
  void chain_lookup() {
    Xbyak::Label miss;
    c_.L(chain_);  // the PC tag stays in its register across chained blocks
    c_.mov(rcx, rax);
    c_.shr(rcx, 1);
    c_.and_(ecx, BlockCache::kChainEntries - 1);
    c_.shl(rcx, 4);
    c_.add(rcx, qword[kContext + offsetof(BlockContext, chain)]);
    c_.cmp(qword[rcx], rax);
    c_.jne(miss, Xbyak::CodeGenerator::T_NEAR);
    c_.jmp(qword[rcx + 8]);
    c_.L(miss);
    exit_with_rax(ExitKind::kLookup);
  }
  Xbyak::Label& hand_back_label(uint64_t pc, size_t retired) {
    hand_backs_.push_back({std::make_unique<Xbyak::Label>(), pc, retired});
    return *hand_backs_.back().label;
  }

  // rax = the window offset of x[rs1] + imm; jumps out to the interpreter when outside it.
  void window_offset(const DecodedInsn& d, uint64_t pc, size_t index) {
    c_.mov(rax, reg(d.rs1));
    if (d.imm) c_.add(rax, d.imm);
    c_.sub(rax, kWindowBase);
    c_.cmp(rax, kWindowLimit);
    c_.jae(hand_back_label(pc, index), Xbyak::CodeGenerator::T_NEAR);
  }

  // With tags compiled in: the instruction's check, handing it back when its tags differ.
  void tag_check(const DecodedInsn& d, uint64_t pc, size_t index) {
    if (tags_) tags_->check(d, pc, hand_back_label(pc, index), index + 1 == insn_count_);
  }

  void store_result(const DecodedInsn& d) {
    if (d.rd != kZeroSink) c_.mov(reg(d.rd), rax);
  }

  // Emits `d` (the index-th of the block, at pc). True when it ended the block.
  bool instruction(const DecodedInsn& d, uint64_t pc, size_t index) {
    const size_t retired = index + 1;
    const bool no_result = d.rd == kZeroSink;
    const int32_t imm = d.imm;
    if (is_fp_group(d.group())) {
      Xbyak::Label& hand_back = hand_back_label(pc, index);
      FpTagHooks hooks;
      if (tags_)
        hooks = {[&] { tag_check(d, pc, index); }, [&] { tags_->before_call(); },
                 [&] { tags_->after_call(); }};
      emit_fp(c_, {kRegs, kWindowBase, kWindowLimit, kWindowHost, kContext}, d, hand_back,
              tags_ ? &hooks : nullptr);
      return false;
    }
    if (is_atomic_group(d.group())) {
      emit_atomic(c_, {kRegs, kWindowBase, kWindowLimit, kWindowHost, kContext}, d,
                  hand_back_label(pc, index));
      return false;
    }
    if (!d.operands().accesses_memory()) tag_check(d, pc, index);
    switch (d.op) {
      case Op::jal:
        if (!no_result) {
          c_.mov(rax, pc + d.len);
          c_.mov(reg(d.rd), rax);
        }
        go_to(pc + static_cast<int64_t>(imm), retired);
        return true;
      case Op::jalr:
        c_.mov(rax, reg(d.rs1));  // before rd is written: rd may be rs1
        if (imm) c_.add(rax, imm);
        c_.and_(rax, -2);
        if (!no_result) {
          c_.mov(rcx, pc + d.len);
          c_.mov(reg(d.rd), rcx);
        }
        go_to_rax(retired);
        return true;
      case Op::beq:
      case Op::bne:
      case Op::blt:
      case Op::bge:
      case Op::bltu:
      case Op::bgeu: {
        Xbyak::Label taken;
        c_.mov(rax, reg(d.rs1));
        c_.cmp(rax, reg(d.rs2));
        switch (d.op) {
          case Op::beq:
            c_.je(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
          case Op::bne:
            c_.jne(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
          case Op::blt:
            c_.jl(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
          case Op::bge:
            c_.jge(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
          case Op::bltu:
            c_.jb(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
          default:
            c_.jae(taken, Xbyak::CodeGenerator::T_NEAR);
            break;
        }
        go_to(pc + d.len, retired);
        c_.L(taken);
        go_to(pc + static_cast<int64_t>(imm), retired);
        return true;
      }
      case Op::lb:
      case Op::lh:
      case Op::lw:
      case Op::ld:
      case Op::lbu:
      case Op::lhu:
      case Op::lwu: {
        // Even into x0 the load runs: outside the window it may fault.
        window_offset(d, pc, index);
        tag_check(d, pc, index);
        const Xbyak::RegExp at = kWindowHost + rax;
        switch (d.op) {
          case Op::lb:
            c_.movsx(rax, byte[at]);
            break;
          case Op::lh:
            c_.movsx(rax, word[at]);
            break;
          case Op::lw:
            c_.movsxd(rax, dword[at]);
            break;
          case Op::ld:
            c_.mov(rax, qword[at]);
            break;
          case Op::lbu:
            c_.movzx(eax, byte[at]);
            break;
          case Op::lhu:
            c_.movzx(eax, word[at]);
            break;
          default:
            c_.mov(eax, dword[at]);
            break;
        }
        store_result(d);
        return false;
      }
      case Op::sb:
      case Op::sh:
      case Op::sw:
      case Op::sd: {
        window_offset(d, pc, index);
        // A store into a page holding decoded code goes to the interpreter, which invalidates.
        c_.mov(rdx, qword[kContext + offsetof(BlockContext, window_code_pages)]);
        c_.mov(rcx, rax);
        c_.shr(rcx, 12);
        c_.cmp(byte[rdx + rcx], 0);
        c_.jne(hand_back_label(pc, index), Xbyak::CodeGenerator::T_NEAR);
        tag_check(d, pc, index);
        c_.mov(rcx, reg(d.rs2));
        const Xbyak::RegExp at = kWindowHost + rax;
        switch (d.op) {
          case Op::sb:
            c_.mov(byte[at], cl);
            break;
          case Op::sh:
            c_.mov(word[at], cx);
            break;
          case Op::sw:
            c_.mov(dword[at], ecx);
            break;
          default:
            c_.mov(qword[at], rcx);
            break;
        }
        return false;
      }
      default:
        break;
    }
    if (no_result) return false;  // arithmetic into x0 has no effect
    // The *W ops: on the low 32 bits of rs1, the result sign-extended to 64 (RV64I's rule).
    const auto word_op = [&](auto&& op_on_eax) {
      c_.mov(eax, dword[kRegs + d.rs1 * 8]);
      op_on_eax();
      c_.movsxd(rax, eax);
    };
    switch (d.op) {
      case Op::lui:
        c_.mov(rax, static_cast<int64_t>(imm));
        break;
      case Op::auipc:
        c_.mov(rax, pc + static_cast<int64_t>(imm));
        break;
      case Op::addi:
        c_.mov(rax, reg(d.rs1));
        if (imm) c_.add(rax, imm);
        break;
      case Op::xori:
        c_.mov(rax, reg(d.rs1));
        c_.xor_(rax, imm);
        break;
      case Op::ori:
        c_.mov(rax, reg(d.rs1));
        c_.or_(rax, imm);
        break;
      case Op::andi:
        c_.mov(rax, reg(d.rs1));
        c_.and_(rax, imm);
        break;
      case Op::slti:
      case Op::sltiu:
        c_.mov(rcx, reg(d.rs1));
        c_.xor_(eax, eax);
        c_.cmp(rcx, imm);  // sign-extended, as RISC-V's immediate (also for sltiu)
        if (d.op == Op::slti)
          c_.setl(al);
        else
          c_.setb(al);
        break;
      case Op::slli:
        c_.mov(rax, reg(d.rs1));
        c_.shl(rax, imm);
        break;
      case Op::srli:
        c_.mov(rax, reg(d.rs1));
        c_.shr(rax, imm);
        break;
      case Op::srai:
        c_.mov(rax, reg(d.rs1));
        c_.sar(rax, imm);
        break;
      case Op::add:
        c_.mov(rax, reg(d.rs1));
        c_.add(rax, reg(d.rs2));
        break;
      case Op::sub:
        c_.mov(rax, reg(d.rs1));
        c_.sub(rax, reg(d.rs2));
        break;
      case Op::xor_:
        c_.mov(rax, reg(d.rs1));
        c_.xor_(rax, reg(d.rs2));
        break;
      case Op::or_:
        c_.mov(rax, reg(d.rs1));
        c_.or_(rax, reg(d.rs2));
        break;
      case Op::and_:
        c_.mov(rax, reg(d.rs1));
        c_.and_(rax, reg(d.rs2));
        break;
      case Op::slt:
      case Op::sltu:
        c_.mov(rcx, reg(d.rs1));
        c_.xor_(eax, eax);
        c_.cmp(rcx, reg(d.rs2));
        if (d.op == Op::slt)
          c_.setl(al);
        else
          c_.setb(al);
        break;
      // x86 masks 64-bit shift counts to 6 bits and 32-bit ones to 5, as RISC-V does.
      case Op::sll:
        c_.mov(rax, reg(d.rs1));
        c_.mov(rcx, reg(d.rs2));
        c_.shl(rax, cl);
        break;
      case Op::srl:
        c_.mov(rax, reg(d.rs1));
        c_.mov(rcx, reg(d.rs2));
        c_.shr(rax, cl);
        break;
      case Op::sra:
        c_.mov(rax, reg(d.rs1));
        c_.mov(rcx, reg(d.rs2));
        c_.sar(rax, cl);
        break;
      case Op::addiw:
        word_op([&] { c_.add(eax, imm); });
        break;
      case Op::slliw:
        word_op([&] { c_.shl(eax, imm); });
        break;
      case Op::srliw:
        word_op([&] { c_.shr(eax, imm); });
        break;
      case Op::sraiw:
        word_op([&] { c_.sar(eax, imm); });
        break;
      case Op::addw:
        word_op([&] { c_.add(eax, dword[kRegs + d.rs2 * 8]); });
        break;
      case Op::subw:
        word_op([&] { c_.sub(eax, dword[kRegs + d.rs2 * 8]); });
        break;
      case Op::sllw:
        word_op([&] {
          c_.mov(ecx, dword[kRegs + d.rs2 * 8]);
          c_.shl(eax, cl);
        });
        break;
      case Op::srlw:
        word_op([&] {
          c_.mov(ecx, dword[kRegs + d.rs2 * 8]);
          c_.shr(eax, cl);
        });
        break;
      case Op::sraw:
        word_op([&] {
          c_.mov(ecx, dword[kRegs + d.rs2 * 8]);
          c_.sar(eax, cl);
        });
        break;
      case Op::mul:
        c_.mov(rax, reg(d.rs1));
        c_.imul(rax, reg(d.rs2));
        break;
      case Op::mulw:
        word_op([&] { c_.imul(eax, dword[kRegs + d.rs2 * 8]); });
        break;
      case Op::mulh:
        c_.mov(rax, reg(d.rs1));
        c_.imul(reg(d.rs2));
        c_.mov(rax, rdx);
        break;
      case Op::mulhu:
        c_.mov(rax, reg(d.rs1));
        c_.mul(reg(d.rs2));
        c_.mov(rax, rdx);
        break;
      default: {
        const Helper helper = helper_of(d.op);
        c_.mov(rdi, reg(d.rs1));
        c_.mov(rsi, reg(d.rs2));
        c_.mov(rax, reinterpret_cast<uint64_t>(helper));
        if (tags_) tags_->before_call();
        c_.call(rax);
        if (tags_) tags_->after_call();
        break;
      }
    }
    store_result(d);
    return false;
  }

  Xbyak::CodeGenerator& c_;
  const uint64_t page_, end_pc_;
  TagGuard* const guard_;
  Xbyak::Label epilogue_, chain_, revalidate_;
  std::vector<HandBack> hand_backs_;
  std::unique_ptr<TagCheckEmitter> tags_;
  size_t insn_count_ = 0;
};

}  // namespace

BlockEmitter::BlockEmitter() : code_(std::make_unique<Xbyak::CodeGenerator>(kBufferBytes)) {}
BlockEmitter::~BlockEmitter() = default;

bool BlockEmitter::translates(const DecodedInsn& d) {
  const Group g = d.group();
  if (g == Group::Alu || g == Group::Load || g == Group::Store || g == Group::Branch ||
      g == Group::Jal || g == Group::Jalr)
    return true;
  return g == Group::MulDiv || (is_fp_group(g) && translates_fp(d)) ||
         (is_atomic_group(g) && translates_atomic(d));
}

bool BlockEmitter::ends_block(const DecodedInsn& d) {
  const Group g = d.group();
  return g == Group::Branch || g == Group::Jal || g == Group::Jalr;
}

bool BlockEmitter::emit(const std::vector<DecodedInsn>& insns, uint64_t end_pc,
                        bool ends_at_interpreter, Block& block, TagGuard* guard) {
  // Generously above the longest block's code (kMaxInsns instructions of a few dozen bytes).
  constexpr size_t kBlockBytesBound = 32u << 10;
  if (code_->getSize() + kBlockBytesBound > kBufferBytes) return false;
  const uint8_t* start = code_->getCurr();
  block.body =
      Emitter(*code_, block.pc, end_pc, tags_, guard).block(insns, block.pc, ends_at_interpreter);
  block.code = reinterpret_cast<BlockCode>(const_cast<uint8_t*>(start));
  return true;
}

void BlockEmitter::reset() { code_->reset(); }

}  // namespace unitag::jit
