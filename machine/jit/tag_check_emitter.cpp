#include "machine/jit/tag_check_emitter.h"

#include <xbyak/xbyak.h>

#include <cstring>

namespace unitag::jit {

using namespace Xbyak::util;

namespace {
// Kept for the whole body (caller-saved: reloaded after calls; the block emitter uses none).
const Xbyak::Reg32& kPcTag = r8d;  // the PC tag (the tag file's copy is stale meanwhile)
const Xbyak::Reg32& kEpoch = r9d;  // what an entry's epoch must equal
const Xbyak::Reg64& kEpochAddress = r9;
const Xbyak::Reg64& kTagFile = r10;  // TagLayout::tag_file
const Xbyak::Reg64& kEntries = r11;  // *TagLayout::entries
// The memory tag of the window's first word (the window is RAM, which the tags cover whole).
// Caller-saved too, and the block emitter passes arguments in it only to calls.
const Xbyak::Reg64& kWindowTags = rdi;
}  // namespace

// A store whose rule gives its word another tag: the engine's own setter, out of line.
struct TagCheckEmitter::Stub {
  Xbyak::Label entry, back;
};

TagCheckEmitter::TagCheckEmitter(Xbyak::CodeGenerator& code, const TagLayout& layout,
                                 const Xbyak::Reg64& context, size_t window_ram_offset)
    : c_(code), layout_(layout), context_(context), window_ram_offset_(window_ram_offset) {}

TagCheckEmitter::~TagCheckEmitter() = default;

// The groups whose operand roles check() covers (registers and one load or store at
// x[rs1] + imm through the window); tag instructions always have more to do than their rule.
bool TagCheckEmitter::checks(const DecodedInsn& d) {
  switch (d.group()) {
    case Group::Alu:
    case Group::Load:
    case Group::Store:
    case Group::Branch:
    case Group::Jal:
    case Group::Jalr:
    case Group::MulDiv:
      return true;
    default:
      return false;
  }
}

// The epoch and the entries' table change only outside generated code (the slow path runs in
// the interpreter), so one load per block serves every check in it.
void TagCheckEmitter::enter() {
  c_.mov(kTagFile, reinterpret_cast<uint64_t>(layout_.tag_file));
  c_.mov(kEntries, reinterpret_cast<uint64_t>(layout_.entries));
  c_.mov(kEntries, qword[kEntries]);
  c_.mov(kEpochAddress, reinterpret_cast<uint64_t>(layout_.current_epoch));
  c_.mov(kEpoch, dword[kEpochAddress]);
  c_.mov(kPcTag, dword[kTagFile + static_cast<int>(layout_.pc_slot) * 4]);
  c_.mov(kWindowTags, qword[context_ + window_ram_offset_]);
  c_.shr(kWindowTags, 1);  // a word's 8 bytes have a 4-byte tag (the offset is page-aligned)
  c_.mov(rcx, reinterpret_cast<uint64_t>(layout_.memory_tags));
  c_.add(kWindowTags, rcx);
}

void TagCheckEmitter::leave() {
  c_.mov(dword[kTagFile + static_cast<int>(layout_.pc_slot) * 4], kPcTag);
}

void TagCheckEmitter::leave_before(size_t index) {
  if (index == 0) return;  // nothing allowed here yet: the last one is the previous block's
  c_.mov(rdx, checked_pcs_[index - 1]);
  c_.mov(rcx, reinterpret_cast<uint64_t>(layout_.prev_pc));
  c_.mov(qword[rcx], rdx);
}

void TagCheckEmitter::before_call() { leave(); }
void TagCheckEmitter::after_call() { enter(); }

void TagCheckEmitter::check(const DecodedInsn& d, uint64_t pc, Xbyak::Label& differs, bool last) {
  const TagLayout& l = layout_;
  const Operands& ops = d.operands();
  checked_pcs_.push_back(pc);
  const auto slot = [&](RegFile file, unsigned field) {
    return static_cast<int>(file == RegFile::kF ? l.f_base + (field & 31) : field) * 4;
  };
  // The operand masks are fixed when the instruction is decoded: a source no policy reads
  // always compares equal (its last tag is the zero slot's), so it costs nothing here.
  const uint8_t* const entry_now = *l.entries + size_t{d.hook_data} * l.entry_size;
  const auto mask_of = [&](size_t offset) {
    uint32_t m;
    std::memcpy(&m, entry_now + offset, sizeof m);
    return m;
  };
  // rsi: this instruction's code entry when beyond a displacement.
  const uint64_t at = uint64_t{d.hook_data} * l.entry_size;
  const bool far = at > 0x7fff0000u;
  if (far) {
    c_.mov(rsi, at);
    c_.add(rsi, kEntries);
  }
  const Xbyak::Reg64& entry = far ? rsi : kEntries;
  const uint32_t base = far ? 0 : static_cast<uint32_t>(at);
  const auto field = [&](size_t offset) {
    return dword[entry + static_cast<uint32_t>(base + offset)];
  };
  const auto unless_equal = [&] { c_.jne(differs, Xbyak::CodeGenerator::T_NEAR); };
  c_.cmp(kPcTag, field(l.last_pc));
  unless_equal();
  c_.cmp(kEpoch, field(l.epoch));
  unless_equal();
  const auto source = [&](RegFile file, unsigned reg, size_t mask, size_t last_tag) {
    if (file == RegFile::kNone) return;
    const uint32_t m = mask_of(mask);
    if (m == 0) return;
    c_.mov(edx, dword[kTagFile + slot(file, reg)]);
    if (m != ~uint32_t{0}) c_.and_(edx, m);
    c_.cmp(edx, field(last_tag));
    unless_equal();
  };
  source(ops.rs1, d.rs1, l.rs1_mask, l.last_rs1);
  source(ops.rs2, d.rs2, l.rs2_mask, l.last_rs2);
  source(ops.rs3, d.rs3, l.rs3_mask, l.last_rs3);
  if (ops.accesses_memory()) {
    // rcx: the accessed word's index in the window; edx: its tag.
    c_.mov(rcx, rax);
    c_.shr(rcx, 3);
    c_.mov(edx, dword[kWindowTags + rcx * 4]);
    c_.cmp(edx, field(l.last_mem));
    unless_equal();
  }
  c_.mov(kPcTag, field(l.out_pc));
  if (ops.rd != RegFile::kNone) {
    c_.mov(esi, field(l.out_rd));
    c_.mov(dword[kTagFile + slot(ops.rd, d.rd)], esi);
  }
  if (ops.writes_memory()) {
    stubs_.push_back(std::make_unique<Stub>());
    c_.mov(esi, field(l.out_mem));
    c_.cmp(esi, edx);
    c_.jne(stubs_.back()->entry, Xbyak::CodeGenerator::T_NEAR);
    c_.L(stubs_.back()->back);
  }
  if (last) leave_before(checked_pcs_.size());
}

// rax: the access's offset in the window, esi: the word's new tag. rax and the checks'
// registers survive the call; the stack stays 16-byte aligned as the block's body keeps it.
void TagCheckEmitter::finish() {
  for (const auto& s : stubs_) {
    c_.L(s->entry);
    c_.push(rax);
    c_.push(rdi);
    c_.push(r8);
    c_.push(r9);
    c_.push(r10);
    c_.push(r11);
    c_.mov(edx, esi);
    c_.mov(rsi, qword[context_ + window_ram_offset_]);
    c_.add(rsi, rax);
    c_.mov(rcx, layout_.ram_base);
    c_.add(rsi, rcx);
    c_.mov(rdi, reinterpret_cast<uint64_t>(layout_.owner));
    c_.mov(rax, reinterpret_cast<uint64_t>(layout_.set_memory_tag));
    c_.call(rax);
    c_.pop(r11);
    c_.pop(r10);
    c_.pop(r9);
    c_.pop(r8);
    c_.pop(rdi);
    c_.pop(rax);
    c_.jmp(s->back, Xbyak::CodeGenerator::T_NEAR);
  }
  stubs_.clear();
}

}  // namespace unitag::jit
