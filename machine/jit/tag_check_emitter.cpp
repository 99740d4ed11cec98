#include "machine/jit/tag_check_emitter.h"

#include <xbyak/xbyak.h>

#include <cstddef>
#include <cstring>

namespace unitag::jit {

using namespace Xbyak::util;

namespace {
// Kept for the whole body (caller-saved: reloaded after calls; the block emitter uses none).
const Xbyak::Reg32& kPcTag = r8d;  // the PC tag (the tag file's copy is stale meanwhile)
// What an entry's epoch must equal (low half) and the entries' version (high half): the pair a
// specialised block's guard (TagGuard::Validated, laid out alike) compares in one go.
const Xbyak::Reg32& kEpoch = r9d;
const Xbyak::Reg64& kEpochAndVersion = r9;
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

// A generic check's second chance: the entry's previous rule, out of line.
struct TagCheckEmitter::PreviousRule {
  DecodedInsn insn;
  Xbyak::Label* differs;
  Xbyak::Label entry, back;
};

namespace {
uint32_t entry_field(const uint8_t* entry, size_t offset) {
  uint32_t v;
  std::memcpy(&v, entry + offset, sizeof v);
  return v;
}

const uint8_t* entry_of(const TagLayout& l, uint32_t index) {
  return *l.entries + size_t{index} * l.entry_size;
}

TagGuard::Snapshot snapshot_of(const TagLayout& l, uint32_t index) {
  const uint8_t* e = entry_of(l, index);
  return {index,
          entry_field(e, l.last_pc),
          entry_field(e, l.last_rs1),
          entry_field(e, l.last_rs2),
          entry_field(e, l.last_rs3),
          entry_field(e, l.last_mem),
          entry_field(e, l.out_pc),
          entry_field(e, l.out_rd),
          entry_field(e, l.out_mem)};
}

bool same_rule(const TagGuard::Snapshot& a, const TagGuard::Snapshot& b) {
  return a.last_pc == b.last_pc && a.last_rs1 == b.last_rs1 && a.last_rs2 == b.last_rs2 &&
         a.last_rs3 == b.last_rs3 && a.last_mem == b.last_mem && a.out_pc == b.out_pc &&
         a.out_rd == b.out_rd && a.out_mem == b.out_mem;
}
}  // namespace

TagGuard::Revalidation TagGuard::revalidate(const TagLayout& l) {
  const uint32_t now = *l.current_epoch;
  bool ready = true;
  for (const Snapshot& s : snapshots) {
    if (!same_rule(snapshot_of(l, s.entry), s)) return Revalidation::kChanged;
    if (entry_field(entry_of(l, s.entry), l.epoch) != now) ready = false;
  }
  if (!ready) return Revalidation::kNotReady;
  validated = {now, *l.entries_version};
  return Revalidation::kValid;
}

TagCheckEmitter::TagCheckEmitter(Xbyak::CodeGenerator& code, const TagLayout& layout,
                                 const Xbyak::Reg64& context, size_t window_ram_offset,
                                 TagGuard* guard)
    : c_(code),
      layout_(layout),
      context_(context),
      window_ram_offset_(window_ram_offset),
      guard_(guard) {
  if (guard_) {
    guard_->snapshots.clear();
    guard_->validated = {*layout.current_epoch, *layout.entries_version};
  }
}

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
    case Group::FpAlu:  // emit_fp places the check (fp_emitter.h)
    case Group::FpLoad:
    case Group::FpStore:
      return true;
    default:
      return false;
  }
}

// The epoch, the entries and their table change only outside generated code (the slow path
// runs in the interpreter), so loading them once serves every block run until the exit.
void TagCheckEmitter::enter() {
  c_.mov(kTagFile, reinterpret_cast<uint64_t>(layout_.tag_file));
  c_.mov(kEntries, reinterpret_cast<uint64_t>(layout_.entries));
  c_.mov(kEntries, qword[kEntries]);
  c_.mov(rcx, reinterpret_cast<uint64_t>(layout_.entries_version));
  c_.mov(ecx, dword[rcx]);
  c_.shl(rcx, 32);
  c_.mov(kEpochAndVersion, reinterpret_cast<uint64_t>(layout_.current_epoch));
  c_.mov(kEpoch, dword[kEpochAndVersion]);  // clears the high half
  c_.or_(kEpochAndVersion, rcx);
  c_.mov(kPcTag, dword[kTagFile + static_cast<int>(layout_.pc_slot) * 4]);
  c_.mov(kWindowTags, qword[context_ + window_ram_offset_]);
  c_.shr(kWindowTags, 1);  // a word's 8 bytes have a 4-byte tag (the offset is page-aligned)
  c_.mov(rcx, reinterpret_cast<uint64_t>(layout_.memory_tags));
  c_.add(kWindowTags, rcx);
}

void TagCheckEmitter::guard(Xbyak::Label& revalidate) {
  static_assert(offsetof(TagGuard::Validated, epoch) == 0 &&
                offsetof(TagGuard::Validated, version) == 4 && sizeof(TagGuard::Validated) == 8);
  c_.mov(rdx, reinterpret_cast<uint64_t>(&guard_->validated));
  c_.cmp(kEpochAndVersion, qword[rdx]);
  c_.jne(revalidate, Xbyak::CodeGenerator::T_NEAR);
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

namespace {
int slot_offset(const TagLayout& l, RegFile file, unsigned field) {
  return static_cast<int>(file == RegFile::kF ? l.f_base + (field & 31) : field) * 4;
}
}  // namespace

void TagCheckEmitter::check(const DecodedInsn& d, uint64_t pc, Xbyak::Label& differs, bool last) {
  checked_pcs_.push_back(pc);
  // An entry whose rule is reusable in the current epoch: what the interpreter's common path
  // would compare and copy is known now (and stays so while the guard holds).
  const uint8_t* entry = entry_of(layout_, d.hook_data);
  // An instruction whose previous rule is live too alternates between rules: it keeps the
  // generic check, which tries both.
  const uint32_t now = *layout_.current_epoch;
  const uint8_t* previous = *layout_.previous + size_t{d.hook_data} * layout_.previous_size;
  if (guard_ && entry_field(entry, layout_.epoch) == now &&
      entry_field(previous, layout_.epoch) != now) {
    guard_->snapshots.push_back(snapshot_of(layout_, d.hook_data));
    check_specialised(d, guard_->snapshots.back(), differs);
  } else {
    check_generic(d, differs);
  }
  if (last) leave_before(checked_pcs_.size());
}

void TagCheckEmitter::check_specialised(const DecodedInsn& d, const TagGuard::Snapshot& s,
                                        Xbyak::Label& differs) {
  const TagLayout& l = layout_;
  const Operands& ops = d.operands();
  const uint8_t* entry = entry_of(l, d.hook_data);
  // A tag known to differ from the rule's: the interpreter decides (the common path would fail).
  const auto never_equal = [&] { c_.jmp(differs, Xbyak::CodeGenerator::T_NEAR); };
  std::optional<uint32_t>& pc_tag = known(static_cast<int>(l.pc_slot) * 4);
  if (!pc_tag) {
    c_.cmp(kPcTag, s.last_pc);
    c_.jne(differs, Xbyak::CodeGenerator::T_NEAR);
  } else if (*pc_tag != s.last_pc) {
    never_equal();
  }
  const auto source = [&](RegFile file, unsigned reg, size_t mask_offset, uint32_t last_tag) {
    if (file == RegFile::kNone) return;
    const uint32_t mask = entry_field(entry, mask_offset);
    if (mask == 0) return;
    const int at = slot_offset(l, file, reg);
    std::optional<uint32_t>& tag = known(at);
    if (tag) {
      if ((*tag & mask) != last_tag) never_equal();
      return;
    }
    c_.mov(edx, dword[kTagFile + at]);
    if (mask != ~uint32_t{0}) c_.and_(edx, mask);
    c_.cmp(edx, last_tag);
    c_.jne(differs, Xbyak::CodeGenerator::T_NEAR);
    if (mask == ~uint32_t{0}) tag = last_tag;
  };
  source(ops.rs1, d.rs1, l.rs1_mask, s.last_rs1);
  source(ops.rs2, d.rs2, l.rs2_mask, s.last_rs2);
  source(ops.rs3, d.rs3, l.rs3_mask, s.last_rs3);
  if (ops.accesses_memory()) {
    c_.mov(rcx, rax);
    c_.shr(rcx, 3);
    c_.cmp(dword[kWindowTags + rcx * 4], s.last_mem);
    c_.jne(differs, Xbyak::CodeGenerator::T_NEAR);
  }
  if (s.out_pc != s.last_pc) c_.mov(kPcTag, s.out_pc);
  pc_tag = s.out_pc;
  if (ops.rd != RegFile::kNone) {
    const int at = slot_offset(l, ops.rd, d.rd);
    std::optional<uint32_t>& tag = known(at);
    if (tag != s.out_rd) c_.mov(dword[kTagFile + at], s.out_rd);
    tag = s.out_rd;
  }
  if (ops.writes_memory() && s.out_mem != s.last_mem) {
    stubs_.push_back(std::make_unique<Stub>());
    c_.mov(esi, s.out_mem);
    c_.jmp(stubs_.back()->entry, Xbyak::CodeGenerator::T_NEAR);
    c_.L(stubs_.back()->back);
  }
}

// The entry's rule, read at run time; when its inputs differ, out of line, the rule the entry
// held before (the interpreter's reuse_previous), and only then the interpreter.
void TagCheckEmitter::check_generic(const DecodedInsn& d, Xbyak::Label& differs) {
  const TagLayout& l = layout_;
  const Operands& ops = d.operands();
  forget(static_cast<int>(l.pc_slot) * 4);
  if (ops.rd != RegFile::kNone) forget(slot_offset(l, ops.rd, d.rd));
  // rsi: this instruction's code entry when beyond a displacement.
  const uint64_t at = uint64_t{d.hook_data} * l.entry_size;
  const bool far = at > 0x7fff0000u;
  if (far) {
    c_.mov(rsi, at);
    c_.add(rsi, kEntries);
  }
  previous_rules_.push_back(std::make_unique<PreviousRule>(PreviousRule{d, &differs, {}, {}}));
  PreviousRule& previous = *previous_rules_.back();
  reuse_rule(d, far ? rsi : kEntries, far ? 0 : static_cast<uint32_t>(at), previous.entry);
  c_.L(previous.back);
}

// The operand masks are fixed when the instruction is decoded: a source no policy reads always
// compares equal (its last tag is the zero slot's), so it costs nothing here.
void TagCheckEmitter::reuse_rule(const DecodedInsn& d, const Xbyak::Reg64& rule, uint32_t at,
                                 Xbyak::Label& differs) {
  const TagLayout& l = layout_;
  const Operands& ops = d.operands();
  const auto field = [&](size_t offset) {
    return dword[rule + static_cast<uint32_t>(at + offset)];
  };
  const auto unless_equal = [&] { c_.jne(differs, Xbyak::CodeGenerator::T_NEAR); };
  c_.cmp(kPcTag, field(l.last_pc));
  unless_equal();
  c_.cmp(kEpoch, field(l.epoch));
  unless_equal();
  const auto source = [&](RegFile file, unsigned reg, size_t mask, size_t last_tag) {
    if (file == RegFile::kNone) return;
    const uint32_t m = entry_field(entry_of(l, d.hook_data), mask);
    if (m == 0) return;
    c_.mov(edx, dword[kTagFile + slot_offset(l, file, reg)]);
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
    c_.mov(ecx, field(l.out_rd));
    c_.mov(dword[kTagFile + slot_offset(l, ops.rd, d.rd)], ecx);
  }
  if (ops.writes_memory()) {
    stubs_.push_back(std::make_unique<Stub>());
    c_.mov(esi, field(l.out_mem));  // the rule's last use of `rule` (which may be rsi)
    c_.cmp(esi, edx);
    c_.jne(stubs_.back()->entry, Xbyak::CodeGenerator::T_NEAR);
    c_.L(stubs_.back()->back);
  }
}

void TagCheckEmitter::finish() {
  for (const auto& p : previous_rules_) {
    c_.L(p->entry);
    c_.mov(rsi, reinterpret_cast<uint64_t>(layout_.previous));
    c_.mov(rsi, qword[rsi]);
    const uint64_t at = uint64_t{p->insn.hook_data} * layout_.previous_size;
    c_.mov(rcx, at);
    c_.add(rsi, rcx);
    reuse_rule(p->insn, rsi, 0, *p->differs);
    c_.jmp(p->back, Xbyak::CodeGenerator::T_NEAR);
  }
  previous_rules_.clear();
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
