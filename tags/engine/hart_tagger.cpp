#include "tags/engine/hart_tagger.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <sstream>

#include "machine/errors.h"
#include "machine/isa/decoder.h"

namespace unitag::tags {
namespace {
constexpr unsigned kRa = 1, kA0 = 10;

// A canonical rule's content hash, mixed again (splitmix64's finalizer) so that its low bits,
// the set index, spread over the modeled cache's sets as a hardware index of the key's bits
// would.
size_t canonical_set_hash(uint64_t id) {
  id = (id ^ (id >> 30)) * 0xbf58476d1ce4e5b9ull;
  id = (id ^ (id >> 27)) * 0x94d049bb133111ebull;
  return static_cast<size_t>(id ^ (id >> 31));
}

// The tag_file slot of a register operand in `file` (integer and FP registers share one file).
uint8_t slot_of(RegFile file, uint8_t field) {
  return file == RegFile::kF ? static_cast<uint8_t>(HartTagger::kFBase + (field & 31)) : field;
}
}  // namespace

class HartTagger::Access final : public TagAccess {
 public:
  Access(HartTagger& t, size_t member, uint64_t pc, Tag insn = 0)
      : t_(t), m_(member), pc_(pc), insn_(insn) {}
  unsigned hart() const override { return t_.hart_.id(); }
  uint64_t pc() const override { return pc_; }
  Meta insn_meta() const override { return table().member(insn_, m_); }
  uint64_t reg(unsigned r) const override { return r < 32 ? t_.hart_.x[r] : 0; }
  Meta reg_meta(unsigned r) const override { return table().member(t_.xtag()[r & 31], m_); }
  void set_reg_meta(unsigned r, Meta m) override {
    if (r == 0 || r > 32) return;
    t_.xtag()[r] = table().with_member(t_.xtag()[r], m_, m);
  }
  // Policies name memory by the guest's addresses; tags are kept by physical address, so every
  // range goes through the hart's memory path a page at a time.
  Meta mem_meta(uint64_t addr) const override {
    return table().member(t_.engine_.shadow().get(physical(addr)), m_);
  }
  void update_range(uint64_t base, uint64_t size, Meta (*f)(Meta, Meta), Meta arg) override {
    if (size == 0) return;
    uint64_t words = 0;
    for_each_page(base, size, [&](uint64_t va, uint64_t n) {
      // A page the OS has not mapped yet keeps no tags (Policy::repair sets them at first use).
      if (uint64_t pa = 0; t_.hart_.checker_translate(va, pa))
        words += t_.engine_.update_range(m_, pa, n, f, arg);
    });
    charge(words);
  }
  void copy_values(uint64_t from, uint64_t to, uint64_t size,
                   Meta (*merge)(Meta dst, Meta src)) override {
    uint64_t words = 0;
    for_each_page(to, size, [&](uint64_t va, uint64_t n) {
      uint64_t from_pa = 0, to_pa = 0;
      if (t_.hart_.checker_translate(from + (va - to), from_pa) &&
          t_.hart_.checker_translate(va, to_pa))
        words += t_.engine_.copy_values(m_, from_pa, to_pa, n, merge);
    });
    charge(words);
  }
  Meta pc_meta() const override { return table().member(t_.pctag(), m_); }
  void set_pc_meta(Meta m) override { t_.pctag() = table().with_member(t_.pctag(), m_, m); }
  bool read_u64(uint64_t addr, uint64_t& value) const override {
    return t_.hart_.peek(addr, &value, 8);
  }
  void set_result(uint64_t value) override { t_.tag_result_ = value; }
  uint64_t address_space() const override { return t_.engine_.address_space(t_.hart_); }

 private:
  uint64_t physical(uint64_t va) const { return t_.hart_.checker_paddr(va); }
  // Splits [base, base+size) at page boundaries (translations are per page).
  // (copy_values splits by its destination's pages and takes the source's translation at each
  // piece's start: exact for the identity translation of M and U; under paging the source's
  // pages must lie alike.)
  template <class Fn>
  void for_each_page(uint64_t base, uint64_t size, Fn fn) const {
    constexpr uint64_t kPage = uint64_t{1} << Bus::kPageBits;
    // Counted down, never compared with base + size: a range in the top page of the address
    // space (a guest's sp near 2^64, found by tests/fuzz/qemu_differential.py) wrapped to 0 and
    // the loop never ended.
    uint64_t left = std::min(size, t_.hart_.bus().ram_size());
    if (const uint64_t to_top = 0 - base; to_top != 0) left = std::min(left, to_top);
    for (uint64_t va = base; left > 0;) {
      const uint64_t n = std::min(left, kPage - (va & (kPage - 1)));
      fn(va, n);
      va += n;
      left -= n;
    }
  }
  void charge(uint64_t words) { t_.charge_tag_op(words); }
  TagTable& table() const { return t_.engine_.table(); }
  HartTagger& t_;
  size_t m_;
  uint64_t pc_;
  Tag insn_;  // the instruction that raised the event (0: none)
};

HartTagger::HartTagger(TagEngine& engine, Hart& hart)
    : engine_(engine),
      hart_(hart),
      shadow_(engine.shadow()),
      cache_(engine.config().cache_entries, engine.config().cache_ways),
      host_rules_(kHostRuleEntries, 2) {
  hart.flush_decode_cache();  // entries decoded before attaching have no code tag
  // Where translated blocks find what the common path of the check reads and writes.
  jit_layout_ = {
      .tag_file = tag_file,
      .f_base = kFBase,
      .pc_slot = kPcSlot,
      .entries = &code_base_,
      .entry_size = sizeof(CodeEntry),
      .previous = &previous_base_,
      .previous_size = sizeof(PreviousRule),
      .last_pc = offsetof(CodeEntry, last_pc),
      .last_rs1 = offsetof(CodeEntry, last_rs1),
      .last_rs2 = offsetof(CodeEntry, last_rs2),
      .last_rs3 = offsetof(CodeEntry, last_rs3),
      .last_mem = offsetof(CodeEntry, last_mem),
      .out_pc = offsetof(CodeEntry, out_pc),
      .out_rd = offsetof(CodeEntry, out_rd),
      .out_mem = offsetof(CodeEntry, out_mem),
      .epoch = offsetof(CodeEntry, epoch),
      .rs1_mask = offsetof(CodeEntry, rs1_mask),
      .rs2_mask = offsetof(CodeEntry, rs2_mask),
      .rs3_mask = offsetof(CodeEntry, rs3_mask),
      .current_epoch = &current_epoch_,
      .entries_version = &entries_version_,
      .prev_pc = &prev_pc_,
      .checked = &checked_,
      .memory_tags = shadow_.ram_words(),
      .ram_base = ShadowMemory::kRamBase,
      .set_memory_tag = [](void* shadow, uint64_t paddr,
                           uint32_t tag) { static_cast<ShadowMemory*>(shadow)->set(paddr, tag); },
      .owner = &shadow_};
}

void HartTagger::on_decode(Hart& hart, DecodedInsn& d, uint64_t pc) {
  // On a firmware boot the facts name code by image, not by pc (SystemLayout).
  const uint64_t at = engine_.code_address(hart, pc, hart.decode_paddr());
  const OpGroup op = engine_.facts().is_dispatch_jump(at) ? OpGroup::kJumpIndirect : classify(d);
  const Tag ci = engine_.code_tag(at);
  const bool bound = engine_.bound_at(at) != nullptr;
  const Operands& ops = d.operands();
  auto [it, fresh] = code_index_.emplace(at, static_cast<uint32_t>(code_.size()));
  if (fresh) {
    code_.emplace_back();
    keys_.emplace_back();
    previous_.emplace_back();
    code_base_ = reinterpret_cast<uint8_t*>(code_.data());
    previous_base_ = reinterpret_cast<uint8_t*>(previous_.data());
  }
  CodeEntry e{};
  CodeKey k{};
  e.op = op;
  const bool memory = accesses_memory(op) || op == OpGroup::kTagAlloc || op == OpGroup::kTagFree;
  const bool trap_return = (d.op == Op::mret || d.op == Op::sret) && engine_.parks_bound_calls();
  const bool special = bound || trap_return || op == OpGroup::kTagAlloc ||
                       op == OpGroup::kTagFree || op == OpGroup::kTagBound ||
                       op == OpGroup::kTagSetType || op == OpGroup::kTagTypeOf ||
                       op == OpGroup::kTagImage;
  e.flags =
      (memory ? kMemory : 0) | (writes_memory(op) ? kWritesMemory : 0) | (special ? kSpecial : 0);
  k.access_size = ops.mem_bytes;
  if (!bound && ops.rd == RegFile::kX && d.rd == kSp && engine_.watches_stack_pointer())
    e.flags |= kSpecial | kWritesSp;
  k.ci = ci;
  k.at = at;
  const unsigned operands = (ops.rs1 != RegFile::kNone ? unsigned{kRs1} : 0u) |
                            (ops.rs2 != RegFile::kNone ? unsigned{kRs2} : 0u) |
                            (ops.rs3 != RegFile::kNone ? unsigned{kRs3} : 0u);
  const uint8_t rs1 = slot_of(ops.rs1, d.rs1), rs2 = slot_of(ops.rs2, d.rs2),
                rs3 = slot_of(ops.rs3, d.rs3);
  unsigned either = 0;
  for (int pc_default = 0; pc_default < 2; ++pc_default) {
    k.ci_key[pc_default] = engine_.project(ci, op, pc_default, kCi);
    const unsigned m = engine_.mask(op, pc_default) & (operands | kPc | kCi | kMem);
    k.mask[pc_default] = static_cast<uint8_t>(m);
    either |= m;
    k.pc_slot[pc_default] = (m & kPc) ? kPcSlot : kZeroSlot;
    k.rs1_key_slot[pc_default] = (m & kRs1) ? rs1 : kZeroSlot;
    k.rs2_key_slot[pc_default] = (m & kRs2) ? rs2 : kZeroSlot;
    k.rs3_key_slot[pc_default] = (m & kRs3) ? rs3 : kZeroSlot;
  }
  e.rs1_slot = (either & kRs1) ? rs1 : kZeroSlot;
  e.rs2_slot = (either & kRs2) ? rs2 : kZeroSlot;
  e.rs3_slot = (either & kRs3) ? rs3 : kZeroSlot;
  e.rs1_mask = (either & kRs1) ? ~Tag{0} : 0;
  e.rs2_mask = (either & kRs2) ? ~Tag{0} : 0;
  e.rs3_mask = (either & kRs3) ? ~Tag{0} : 0;
  e.rd_slot = ops.rd == RegFile::kNone ? kDiscardSlot : slot_of(ops.rd, d.rd);
  ++entries_version_;
  previous_[it->second] = PreviousRule{};
  code_[it->second] = e;
  keys_[it->second] = k;
  d.hook_data = it->second;
}

const RuleResult& HartTagger::lookup_rule(Hart& hart, uint32_t entry, uint64_t addr) {
  CodeEntry& c = code_[entry];
  CodeKey& key = keys_[entry];
  const bool pc_default = pctag() == 0;
  const unsigned m = key.mask[pc_default];
  uint32_t op = static_cast<uint32_t>(c.op) | (pc_default ? 0x80u : 0u);
  const Tag mem = (c.flags & kMemory) ? shadow_.get(addr) : 0;
  // A word whose last bytes are invalid (an allocation's end): the rule also depends on which of
  // its bytes the access touches, which the check's comparison of raw tags cannot see.
  const bool tail = (m & kMem) && tail_invalid_bytes(mem);
  if (tail) op |= access_shape(addr, key.access_size);
  const RuleKey k =
      RuleKey::make(op, tag_file[key.pc_slot[pc_default]], key.ci_key[pc_default],
                    tag_file[key.rs1_key_slot[pc_default]], tag_file[key.rs2_key_slot[pc_default]],
                    (m & kMem) ? mem : 0, tag_file[key.rs3_key_slot[pc_default]]);
  // The same key as last time with nothing inserted since: the modeled cache still holds the
  // rule (a hit; LRU order inside a set is not refreshed by it: exact for direct-mapped caches).
  // Counted in cache_hits() as a checked instruction that needed no lookup.
  if (!(k == key.last_key && key.key_epoch == cache_.epoch())) {
    ++lookups_;
    const size_t h = RuleKeyHash{}(k);
    bool host_miss;
    if (const RuleResult* r = host_rules_.lookup(k, h, host_miss)) {
      key.last_result = *r;
    } else {
      key.last_result = engine_.evaluate(k);
      host_rules_.insert(k, h, key.last_result);
    }
    // The modeled cache holds canonical rules: a concrete rule is a hit when its canonical one
    // is cached.
    const RuleKey canonical{key.last_result.canonical};
    const size_t ch = canonical_set_hash(key.last_result.canonical_set_index);
    bool modeled_miss;
    if (cache_.lookup(canonical, ch, modeled_miss) == nullptr) [[unlikely]] {
      if (modeled_miss) {
        hart.extra_cycles += engine_.config().miss_cost;
        coproc_.add_work(checked_, trusted_, engine_.config().miss_cost);
      }
      cache_.insert(canonical, ch, RuleResult{});
      current_epoch_ = fast_epoch();
    }
    key.last_key = k;
    key.key_epoch = cache_.epoch();
  }
  const RuleResult& r = key.last_result;
  if (!r.allow || (c.flags & kSpecial)) {
    if (c.epoch != kNoEpoch) ++entries_version_;
    c.epoch = kNoEpoch;  // never reused without a lookup: a denial, or more to do than the rule
    return r;
  }
  // For such a word the next access may touch other bytes: never reuse the rule unlooked.
  const uint32_t epoch = tail ? kNoEpoch : fast_epoch();
  // A refresh in a new epoch with the same rule leaves translated blocks valid (they guard the
  // epoch themselves); anything else they specialised on must be looked at again.
  const bool other_inputs = c.last_pc != pctag() || c.last_rs1 != tag_file[c.rs1_slot] ||
                            c.last_rs2 != tag_file[c.rs2_slot] ||
                            c.last_rs3 != tag_file[c.rs3_slot] || c.last_mem != mem;
  if (other_inputs || c.out_pc != r.pc || c.out_rd != r.rd || c.out_mem != r.mem ||
      (epoch == kNoEpoch && c.epoch != kNoEpoch))
    ++entries_version_;
  // The rule it replaces stays reusable as the previous one (the common path tries it next).
  if (other_inputs && c.epoch != kNoEpoch)
    previous_[entry] = {c.last_pc, c.last_rs1, c.last_rs2, c.last_rs3, c.last_mem,
                        c.out_pc,  c.out_rd,   c.out_mem,  c.epoch};
  c.last_pc = pctag();
  c.last_rs1 = tag_file[c.rs1_slot];
  c.last_rs2 = tag_file[c.rs2_slot];
  c.last_rs3 = tag_file[c.rs3_slot];
  c.last_mem = mem;
  c.out_pc = r.pc;
  c.out_rd = r.rd;
  c.out_mem = r.mem;
  c.epoch = epoch;
  return r;
}

bool HartTagger::start_bound_call(uint64_t pc, uint64_t at) {
  const BoundEntry* b = engine_.bound_at(at);
  const uint64_t ra = hart_.x[kRa];
  in_bound_ = true;
  current_epoch_ = kInBound;
  bound_members_ = b->members;
  bound_return_ = ra;
  bound_sp_ = hart_.x[kSp];
  bound_priv_ = static_cast<uint8_t>(hart_.priv);
  call_ = BoundCall{};
  call_name_ = b->name;
  call_.function = call_name_;
  for (unsigned i = 0; i < 3; ++i) call_.args[i] = hart_.x[kA0 + i];
  // The call site is the instruction that jumped to the entry (a tail call's jump leaves ra
  // pointing into its caller's caller); failing that, the 4- or 2-byte one before ra. Not an
  // xRET: a trap taken at the entry returns there, and the call then comes from its caller
  // (glibc's thread-cache shutdown, say, which must still count as allocator code).
  const auto is_jump = [&](uint64_t at) {
    uint32_t word = 0;
    if (!hart_.peek(at, &word, 4)) return false;
    const DecodedInsn insn = decode(word);
    return insn.op == Op::jal || insn.op == Op::jalr;
  };
  call_.call_site = ra - 2;
  if (prev_pc_ != 0 && prev_pc_ != pc && is_jump(prev_pc_)) {
    call_.call_site = prev_pc_;
  } else if (uint32_t word = 0; hart_.peek(ra - 4, &word, 4) && (word & 3) == 3) {
    if (is_jump(ra - 4)) call_.call_site = ra - 4;
  }
  // The facts name the call site as they name the entry (on a firmware boot a program's code
  // sits at a bias in them: SystemLayout).
  call_.call_site += at - pc;
  prev_pc_ = pc;
  const auto effects = engine_.lock_allocator_effects();
  for (uint8_t m = 0; m < engine_.member_count(); ++m) {
    if (!(b->members >> m & 1)) continue;
    for (unsigned i = 0; i < 3; ++i) call_.arg_meta[i] = engine_.table().member(xtag()[kA0 + i], m);
    Access access(*this, m, pc);
    if (const Denial* d = engine_.policy(m).on_event(BoundCallEntry{call_}, access)) {
      in_bound_ = false;
      current_epoch_ = fast_epoch();
      bound_return_ = ~uint64_t{0};
      return deny_call(m, *d, call_.call_site - (at - pc), pc);  // where the hart has it
    }
  }
  return true;
}

void HartTagger::finish_bound_call(uint64_t pc) {
  call_.result = hart_.x[kA0];
  in_bound_ = false;
  current_epoch_ = fast_epoch();
  pctag() = 0;  // returned to the recorded return address with the caller's stack: a legal return
  bound_return_ = ~uint64_t{0};
  const auto effects = engine_.lock_allocator_effects();
  for (uint8_t m = 0; m < engine_.member_count(); ++m) {
    if (!(bound_members_ >> m & 1)) continue;
    Access access(*this, m, pc);
    engine_.policy(m).on_event(BoundCallReturn{call_}, access);
  }
}

void HartTagger::charge_tag_op(uint64_t words) {
  const uint64_t cycles = 1 + words / 8;
  tag_op_cycles_ += cycles;
  hart_.extra_cycles += cycles;
  coproc_.add_work(checked_, trusted_, cycles);
}

void HartTagger::park_bound_call() {
  // Called at the handler's first instruction: sp is still the one the call trapped with.
  engine_.park_bound_call(TagEngine::ParkedCall{call_, call_name_, bound_members_, bound_return_,
                                                bound_sp_, hart_.x[kSp], bound_priv_});
  // The allocator ran unchecked, so its registers' tags are whatever they were before it: its
  // system call's arguments (a futex word glibc found by masking a chunk's pointer) must not be
  // checked by the handler against a colour they only seem to have. Caller-saved registers are
  // dead to the allocator's caller, so nothing it relies on is lost.
  for (const unsigned r : {5u, 6u, 7u, 10u, 11u, 12u, 13u, 14u, 15u, 16u, 17u, 28u, 29u, 30u, 31u})
    xtag()[r] = 0;
  in_bound_ = false;
  current_epoch_ = fast_epoch();
  bound_return_ = ~uint64_t{0};
}

bool HartTagger::trap_returned(const DecodedInsn& d, uint64_t pc) {
  prev_pc_ = pc;
  // The mode the xRET returns to, and the sp it returns with (restored before it).
  const Priv to = d.op == Op::mret
                      ? static_cast<Priv>((hart_.mstatus & mstatus::kMpp) >> mstatus::kMppShift)
                      : ((hart_.mstatus & mstatus::kSpp) ? Priv::S : Priv::U);
  TagEngine::ParkedCall p;
  if (in_bound_ || !engine_.resume_bound_call(hart_.x[kSp], static_cast<uint8_t>(to), p))
    return true;
  call_name_ = std::move(p.name);
  call_ = p.call;
  call_.function = call_name_;
  bound_members_ = p.members;
  bound_return_ = p.return_pc;
  bound_sp_ = p.sp;
  bound_priv_ = p.priv;
  in_bound_ = true;
  current_epoch_ = kInBound;  // the next instruction takes check_slowly: the trusted loop
  return true;
}

bool HartTagger::tag_instruction(const DecodedInsn& d, uint64_t pc, Tag rs1_tag) {
  if (classify(d) == OpGroup::kTagImage) {
    // Below machine mode the instruction is illegal (its body traps); nothing is tagged.
    if (hart_.priv == Priv::M)
      charge_tag_op(
          engine_.tag_program_page(hart_.x[d.rs1], hart_.x[d.rs2], uint64_t{1} << Bus::kPageBits));
    prev_pc_ = pc;
    return true;
  }
  TagInstruction event{classify(d), d.arch_rd(), hart_.x[d.rs1], hart_.x[d.rs2]};
  tag_result_ = 0;
  for (const uint8_t m : engine_.subscribers<TagInstruction>()) {
    event.rs1_meta = engine_.table().member(rs1_tag, m);
    Access access(*this, m, pc);
    if (const Denial* den = engine_.policy(m).on_event(event, access))
      return deny_call(m, *den, pc, pc);
  }
  prev_pc_ = pc;
  return true;
}

namespace {
// The value an instruction will write to its rd, computed before it runs from the registers it
// reads (the forms that write sp in practice); false for anything else.
bool value_written(Hart& hart, const DecodedInsn& d, uint64_t pc, uint64_t& v) {
  const uint64_t a = hart.x[d.rs1], b = hart.x[d.rs2];
  const int64_t imm = d.imm;
  switch (d.op) {
    case Op::addi:
      v = a + imm;
      return true;
    case Op::add:
      v = a + b;
      return true;
    case Op::sub:
      v = a - b;
      return true;
    case Op::andi:
      v = a & imm;
      return true;
    case Op::lui:
      v = imm;
      return true;
    case Op::auipc:
      v = pc + imm;
      return true;
    case Op::ld:
      return hart.peek(a + imm, &v, 8);
    case Op::csrrw:
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrwi:
    case Op::csrrsi:
    case Op::csrrci:
      return hart.csr_read(static_cast<uint16_t>(d.imm), v);
    default:
      return false;
  }
}
}  // namespace

bool HartTagger::stack_pointer_written(const DecodedInsn& d, uint64_t pc) {
  uint64_t new_sp = 0;
  const bool known = value_written(hart_, d, pc, new_sp);
  const StackPointerWrite event{hart_.x[kSp], new_sp, known};
  for (const uint8_t m : engine_.subscribers<StackPointerWrite>()) {
    Access access(*this, m, pc, keys_[d.hook_data].ci);
    engine_.policy(m).on_event(event, access);
  }
  return true;
}

bool HartTagger::repair(size_t member, const Denial& d, const RuleInputs& in, uint64_t guest_addr,
                        uint64_t pc) {
  Access access(*this, member, pc);
  return engine_.policy(member).repair(d, in, guest_addr, access);
}

void HartTagger::on_trap(Hart& hart, uint64_t cause, uint64_t epc) {
  pctag() = 0;  // the trap handler starts with the default PC tag (it is not a jump target)
}

uint64_t HartTagger::memory_tag(uint64_t addr) const { return shadow_.get(addr); }

uint64_t HartTagger::tag_result() const { return tag_result_; }

}  // namespace unitag::tags
