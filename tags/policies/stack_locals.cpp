#include "tags/policies/stack_locals.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace unitag::tags {
namespace {

constexpr unsigned kSp = 2;

// An object of the frame DWARF places at CFA + offset (scalars too: they only keep arrays from
// claiming the bytes after their end).
struct FrameObject {
  std::string name;
  int64_t offset = 0;
  uint64_t size = 0;
  bool aggregate = false;
};

class DwarfFile {
 public:
  explicit DwarfFile(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY)) {
    if (fd_ >= 0) dwarf_ = dwarf_begin(fd_, DWARF_C_READ);
    if (dwarf_) cfi_ = dwarf_getcfi(dwarf_);  // .debug_frame
    if (dwarf_ && !cfi_ && dwarf_getelf(dwarf_)) cfi_ = dwarf_getcfi_elf(dwarf_getelf(dwarf_));
  }
  ~DwarfFile() {
    if (dwarf_) dwarf_end(dwarf_);
    if (fd_ >= 0) ::close(fd_);
  }
  DwarfFile(const DwarfFile&) = delete;
  DwarfFile& operator=(const DwarfFile&) = delete;
  Dwarf* dwarf() const { return dwarf_; }
  bool has_cfi() const { return cfi_ != nullptr; }

  // The CFA at pc as (register, offset), when the CFI says it is register + offset.
  std::optional<std::pair<unsigned, int64_t>> cfa_at(uint64_t pc) const {
    Dwarf_Frame* frame = nullptr;
    if (!cfi_ || dwarf_cfi_addrframe(cfi_, pc, &frame) != 0) return std::nullopt;
    Dwarf_Op* ops = nullptr;
    size_t n = 0;
    std::optional<std::pair<unsigned, int64_t>> result;
    if (dwarf_frame_cfa(frame, &ops, &n) == 0 && n == 1 && ops[0].atom == DW_OP_bregx)
      result = {static_cast<unsigned>(ops[0].number), static_cast<int64_t>(ops[0].number2)};
    std::free(frame);
    return result;
  }

 private:
  int fd_ = -1;
  Dwarf* dwarf_ = nullptr;
  Dwarf_CFI* cfi_ = nullptr;
};

std::optional<int64_t> single_op(Dwarf_Die* die, unsigned attr, unsigned atom) {
  Dwarf_Attribute a;
  Dwarf_Op* ops = nullptr;
  size_t n = 0;
  if (!dwarf_attr(die, attr, &a) || dwarf_getlocation(&a, &ops, &n) != 0 || n != 1 ||
      ops[0].atom != atom)
    return std::nullopt;
  return static_cast<int64_t>(ops[0].number);
}

// Under typedefs and qualifiers.
bool strip_qualifiers(Dwarf_Die* type) {
  Dwarf_Attribute a;
  for (;;) {
    const int tag = dwarf_tag(type);
    if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
        tag != DW_TAG_restrict_type)
      return true;
    if (!dwarf_attr_integrate(type, DW_AT_type, &a) || !dwarf_formref_die(&a, type)) return false;
  }
}

// The variable's size, and whether its type (under typedefs and qualifiers) is an aggregate.
std::optional<std::pair<uint64_t, bool>> type_of(Dwarf_Die* var) {
  Dwarf_Attribute a;
  Dwarf_Die type;
  if (!dwarf_attr_integrate(var, DW_AT_type, &a) || !dwarf_formref_die(&a, &type))
    return std::nullopt;
  Dwarf_Word size = 0;
  if (dwarf_aggregate_size(&type, &size) != 0 || size == 0 || !strip_qualifiers(&type))
    return std::nullopt;
  const int tag = dwarf_tag(&type);
  const bool aggregate = tag == DW_TAG_array_type || tag == DW_TAG_structure_type ||
                         tag == DW_TAG_union_type || tag == DW_TAG_class_type;
  return std::make_pair(uint64_t{size}, aggregate);
}

template <class F>
void for_each_unit(Dwarf* dwarf, F&& f) {
  Dwarf_Off offset = 0, next = 0;
  size_t header_size = 0;
  while (dwarf_nextcu(dwarf, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die cu;
    if (dwarf_offdie(dwarf, offset + header_size, &cu) != nullptr) f(&cu);
    offset = next;
  }
}

// The size of an array variable's elements (0: not an array, or not known).
uint64_t element_size(Dwarf_Die* var) {
  Dwarf_Attribute a;
  Dwarf_Die type;
  if (!dwarf_attr_integrate(var, DW_AT_type, &a) || !dwarf_formref_die(&a, &type) ||
      !strip_qualifiers(&type) || dwarf_tag(&type) != DW_TAG_array_type)
    return 0;
  Dwarf_Die element;
  Dwarf_Word size = 0;
  if (!dwarf_attr_integrate(&type, DW_AT_type, &a) || !dwarf_formref_die(&a, &element) ||
      dwarf_aggregate_size(&element, &size) != 0)
    return 0;
  return size;
}

void collect_global_arrays(Dwarf_Die* die, std::unordered_map<uint64_t, uint64_t>& out) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    if (dwarf_tag(&child) == DW_TAG_variable) {
      if (const auto addr = single_op(&child, DW_AT_location, DW_OP_addr))
        if (const uint64_t e = element_size(&child)) out.emplace(static_cast<uint64_t>(*addr), e);
    } else if (const int tag = dwarf_tag(&child);
               tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block || tag == DW_TAG_namespace) {
      collect_global_arrays(&child, out);  // static locals, namespace members
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// Every variable with a frame-base location under die, in lexical blocks and inlined callees
// (whose locals live in this frame) too, but not in nested functions.
void collect_objects(Dwarf_Die* die, std::vector<FrameObject>& out) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) {
      collect_objects(&child, out);
    } else if (tag == DW_TAG_variable) {
      const auto offset = single_op(&child, DW_AT_location, DW_OP_fbreg);
      const auto type = offset ? type_of(&child) : std::nullopt;
      const char* name = dwarf_diename(&child);
      if (type) out.push_back({name ? name : "?", *offset, type->first, type->second});
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// `addi rd, rs, k` and `mv rd, rs` (c.mv is `add rd, x0, rs`) compute rs + k: (rs, k).
std::optional<std::pair<unsigned, int64_t>> address_base(const DecodedInsn& d) {
  if (d.arch_rd() == 0) return std::nullopt;
  if (d.op == Op::addi) return std::make_pair(unsigned{d.rs1}, static_cast<int64_t>(d.imm));
  if (d.op == Op::add && (d.rs1 == 0 || d.rs2 == 0))
    return std::make_pair(unsigned{d.rs1 == 0 ? d.rs2 : d.rs1}, int64_t{0});
  return std::nullopt;
}

bool is_sp_addi(const DecodedInsn& d) {
  return d.op == Op::addi && d.arch_rd() == kSp && d.rs1 == kSp;
}

// Follows, within a basic block, the addresses the compiler computes from the frame's base
// register (the CFA's) and a run-time index, keeping their constant parts: `addi a5, a0, 48;
// add a0, a5, sp; lw a5, -32(a0)` accesses sp + 16 + 4i. Offsets are from the CFA.
class FrameIndexing {
 public:
  struct Access {
    int64_t target = 0;   // static address
    uint64_t origin = 0;  // the `addi rd, sp, k` whose address the index was added to (0: sp)
  };
  // At a block's end: nothing is known of the registers in the next one.
  void reset() {
    for (unsigned r = 0; r < 32; ++r)
      exact_[r] = indexed_[r] = std::nullopt, addend_[r] = 0, origin_[r] = 0;
  }
  // This instruction's access, when its base is the frame plus an index.
  std::optional<Access> step(uint64_t pc, const DecodedInsn& d,
                             const std::optional<std::pair<unsigned, int64_t>>& cfa) {
    const Operands& ops = d.operands();
    const int64_t imm = static_cast<int64_t>(d.imm);
    std::optional<Access> access;
    if (ops.mem != MemAccess::kNone && indexed_[d.rs1])
      access = Access{*indexed_[d.rs1] + imm, origin_[d.rs1]};
    if (ops.may_jump || ops.ends_block) {
      reset();
      return access;
    }
    const unsigned rd = d.arch_rd();
    if (rd == 0 || ops.rd != RegFile::kX) return access;
    Value next;
    const auto frame = [&](unsigned r) { return cfa && r == cfa->first; };
    // `mv rd, rs` is `add rd, x0, rs`: an addi of 0.
    const bool move = d.op == Op::add && (d.rs1 == 0 || d.rs2 == 0);
    if (d.op == Op::addi || move) {
      const unsigned src = d.op == Op::addi ? d.rs1 : d.rs1 | d.rs2;
      const int64_t k = d.op == Op::addi ? imm : 0;
      if (frame(src))
        next.exact = k - cfa->second, next.origin = pc;
      else if (exact_[src] || indexed_[src])
        next = {exact_[src] ? std::optional(*exact_[src] + k) : std::nullopt,
                indexed_[src] ? std::optional(*indexed_[src] + k) : std::nullopt, 0, origin_[src]};
      else
        next.addend = addend_[src] + k;
    } else if (d.op == Op::lui) {
      next.addend = imm;  // a constant: nothing unknown, plus imm
    } else if (d.op == Op::add) {
      const auto base = [&](unsigned r) -> std::optional<int64_t> {
        if (frame(r)) return -cfa->second;
        return exact_[r];
      };
      const auto plain = [&](unsigned r) { return !frame(r) && !exact_[r] && !indexed_[r]; };
      for (const auto& [a, b] : {std::pair{d.rs1, d.rs2}, std::pair{d.rs2, d.rs1}}) {
        if (!plain(b)) continue;
        if (const auto from = base(a) ? base(a) : indexed_[a])
          next.indexed = *from + addend_[b], next.origin = origin_[a];
      }
      // Two integers: their constant parts add up (a large offset built from lui and addi in
      // two registers, `lui a1, 2; addi a5, a1, 1024; add a5, a5, t2`, before sp is added).
      if (plain(d.rs1) && plain(d.rs2)) next.addend = addend_[d.rs1] + addend_[d.rs2];
    }
    exact_[rd] = next.exact, indexed_[rd] = next.indexed, addend_[rd] = next.addend;
    origin_[rd] = next.origin;
    if (next.origin && next.origin != pc)
      derived_.push_back({next.origin, pc, rd, next.exact ? *next.exact : *next.indexed});
    return access;
  }
  // An address computed from a local's address (`addi rd, sp, k` at origin) by a later
  // instruction (at pc, into rd), with its constant part (from the CFA): e.g. another local's
  // offset added as a constant built in registers.
  struct Derived {
    uint64_t origin, pc;
    unsigned rd;
    int64_t target;
  };
  const std::vector<Derived>& derived() const { return derived_; }

 private:
  struct Value {
    std::optional<int64_t> exact, indexed;
    int64_t addend = 0;
    uint64_t origin = 0;
  };
  std::optional<int64_t> exact_[32];    // frame + constant
  std::optional<int64_t> indexed_[32];  // frame + constant + a run-time index
  int64_t addend_[32] = {};             // an integer: something unknown plus this
  uint64_t origin_[32] = {};            // where an exact or indexed value's frame address was taken
  std::vector<Derived> derived_;
};

// The local an indexed access at `target` is meant for: the one it starts, or the one whose
// start is less than a word above it when it lies in no bounded local (`buf[i - 1]` folds its
// -1 into the offset; from anywhere inside another local it is that local's, e.g. a loop
// counting down from its last element).
std::optional<size_t> local_reached(const std::vector<StackLocal>& kept, int64_t target) {
  std::optional<size_t> above;
  for (size_t i = 0; i < kept.size(); ++i) {
    const int64_t start = kept[i].cfa_offset, end = start + static_cast<int64_t>(kept[i].size);
    if (target == start) return i;
    if (target > start && target < end) return std::nullopt;
    if (target < start && target >= start - 8 && (!above || start < kept[*above].cfa_offset))
      above = i;
  }
  return above;
}

class Finder {
 public:
  Finder(const ImageFacts& facts, const DwarfFile& file, StackLocals& out)
      : facts_(facts), file_(file), out_(out) {}

  void function(Dwarf_Die* sub) {
    Dwarf_Addr entry = 0;
    if (dwarf_entrypc(sub, &entry) != 0) return;
    const FunctionInfo* f = facts_.function_at(entry);
    if (f == nullptr || !single_op(sub, DW_AT_frame_base, DW_OP_call_frame_cfa)) return;
    std::vector<FrameObject> objects;
    collect_objects(sub, objects);
    std::vector<StackLocal> kept = choose(objects, f->name);
    if (kept.empty()) return;
    place(*f, kept);
  }

 private:
  // Arrays and structs alone in their words and slots; a tail only when no other object of the
  // frame has bytes in the last word.
  static std::vector<StackLocal> choose(std::vector<FrameObject>& objects,
                                        const std::string& function) {
    std::sort(objects.begin(), objects.end(),
              [](const auto& a, const auto& b) { return a.offset < b.offset; });
    auto word_of = [](int64_t byte) { return byte >> 3; };
    std::vector<StackLocal> kept;
    int64_t last_claimed_word = INT64_MIN;
    for (size_t i = 0; i < objects.size(); ++i) {
      const FrameObject& o = objects[i];
      const int64_t end = o.offset + static_cast<int64_t>(o.size);
      bool overlaps = false;  // a slot shared with a variable of another scope
      for (size_t j = 0; j < objects.size(); ++j)
        if (j != i && objects[j].offset < end &&
            o.offset < objects[j].offset + static_cast<int64_t>(objects[j].size))
          overlaps = true;
      const int64_t first = word_of(o.offset), last = word_of(end - 1);
      if (!o.aggregate || overlaps || first <= last_claimed_word) continue;
      const bool next_shares = i + 1 < objects.size() && word_of(objects[i + 1].offset) == last;
      const int64_t used = (end % 8 + 8) % 8;  // bytes of the last word it uses (0: all)
      const unsigned tail = next_shares || used == 0 ? 0 : static_cast<unsigned>(8 - used);
      kept.push_back({o.name, function, o.offset, o.size, tail});
      last_claimed_word = last;
    }
    return kept;
  }

  // Where the frame opens, where code takes a local's address, where tails are released.
  void place(const FunctionInfo& f, std::vector<StackLocal>& kept) {
    FrameLocals opening;
    std::optional<uint64_t> open_pc;
    std::vector<std::pair<uint64_t, int64_t>> releases;  // addi sp, sp, +N: pc, CFA from sp
    bool only_addi_moves_sp = true;
    const uint32_t first = static_cast<uint32_t>(out_.locals.size());
    DecodedInsn d;
    std::vector<std::pair<int64_t, int64_t>> frame_accesses;  // [from, to) relative to the CFA
    FrameIndexing indexing;
    std::vector<std::pair<uint64_t, uint32_t>> reaches;
    // An indexed access from a local's address: the local it reaches (the compiler may fold
    // another local's offset into the index, `addi a5, s3, 320; addi a4, sp, 64; add a4, a4, a5`,
    // and then the address is an anchor, not a pointer to the first local).
    std::vector<std::pair<uint64_t, std::optional<size_t>>> indexed_from;
    for (uint64_t pc = f.start; pc < f.end && facts_.instruction_at(pc, d); pc += d.len) {
      const auto cfa = file_.cfa_at(pc);
      if (const auto access = indexing.step(pc, d, cfa)) {
        const auto i = local_reached(kept, access->target);
        if (i) reaches.emplace_back(pc, first + static_cast<uint32_t>(*i));
        indexed_from.emplace_back(access->origin, i);
      }
      if (d.operands().mem != MemAccess::kNone) {
        if (cfa && d.rs1 == cfa->first) {
          const int64_t from = static_cast<int64_t>(d.imm) - cfa->second;
          frame_accesses.emplace_back(from, from + d.operands().mem_bytes);
        }
      }
      const auto base = address_base(d);
      if (!base) {
        if (d.arch_rd() == kSp && d.operands().rd == RegFile::kX) only_addi_moves_sp = false;
        continue;
      }
      if (!cfa) continue;
      if (is_sp_addi(d)) {
        if (cfa->first != kSp) only_addi_moves_sp = false;
        if (d.imm < 0 && !open_pc) open_pc = pc, opening.cfa_from_sp = cfa->second;
        if (d.imm > 0) releases.emplace_back(pc, cfa->second);
        continue;
      }
      if (d.arch_rd() == kSp) {
        only_addi_moves_sp = false;  // sp from another register (alloca functions: s0)
        continue;
      }
      if (base->first != cfa->first) continue;
      // A pointer to the local or into it (a copy loop's cursor), unless the compiler also
      // reaches other slots from it.
      const int64_t target = base->second - cfa->second;
      for (size_t i = 0; i < kept.size(); ++i)
        if (target >= kept[i].cfa_offset &&
            target < kept[i].cfa_offset + static_cast<int64_t>(kept[i].size) &&
            !used_as_anchor(facts_, pc, d.arch_rd(), -static_cast<int64_t>(kept[i].size),
                            static_cast<int64_t>(kept[i].size)))
          out_.address_at[pc] = first + static_cast<uint32_t>(i);
    }
    for (const auto& [origin, reached] : indexed_from) {
      const auto it = out_.address_at.find(origin);
      if (origin && it != out_.address_at.end() && it->second != first + reached.value_or(~0u))
        out_.address_at.erase(it);
    }
    // An address derived from the local's whose constant part leaves it makes the local's
    // address an anchor. Less than a word below its start is still `buf[i - 1]`; its end is a
    // loop's limit, unless memory is reached from it and another local starts there.
    for (const FrameIndexing::Derived& v : indexing.derived()) {
      const auto it = out_.address_at.find(v.origin);
      if (it == out_.address_at.end()) continue;
      const StackLocal& local = kept[it->second - first];
      const int64_t end = local.cfa_offset + static_cast<int64_t>(local.size);
      const bool next_local = std::any_of(
          kept.begin(), kept.end(), [&](const StackLocal& l) { return l.cfa_offset == v.target; });
      if (v.target < local.cfa_offset - 8 || v.target > end ||
          (v.target == end && next_local && used_as_anchor(facts_, v.pc, v.rd, 0, 0)))
        out_.address_at.erase(it);
    }
    if (!open_pc) {  // no frame of its own: its locals' addresses stay unbounded
      for (auto it = out_.address_at.begin(); it != out_.address_at.end();)
        it = it->second >= first ? out_.address_at.erase(it) : std::next(it);
      return;
    }
    FrameLocals closing;
    for (size_t i = 0; i < kept.size(); ++i) {
      opening.locals.push_back(first + static_cast<uint32_t>(i));
      // Tails must go when the frame does (another frame's sp-relative accesses reach those
      // bytes); keep them only where every release of the frame is an addi we see.
      // The compiler's own accesses through sp (zeroing or copying the object by words) may
      // touch the tail bytes: then there is none.
      const int64_t end = kept[i].cfa_offset + static_cast<int64_t>(kept[i].size);
      for (const auto& [from, to] : frame_accesses)
        if (from < end + kept[i].tail && to > end) kept[i].tail = 0;
      if (!only_addi_moves_sp) kept[i].tail = 0;
      if (kept[i].tail) closing.locals.push_back(first + static_cast<uint32_t>(i));
      out_.locals.push_back(std::move(kept[i]));
    }
    out_.opens[*open_pc] = opening;
    out_.reaches.insert(reaches.begin(), reaches.end());
    if (!closing.locals.empty())
      for (const auto& [pc, cfa_from_sp] : releases)
        out_.closes[pc] = {cfa_from_sp, closing.locals};
  }

  const ImageFacts& facts_;
  const DwarfFile& file_;
  StackLocals& out_;
};

void visit(Dwarf_Die* die, Finder& finder) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_subprogram)
      finder.function(&child);
    else if (tag == DW_TAG_namespace)
      visit(&child, finder);
  } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

bool used_as_anchor(const ImageFacts& facts, uint64_t pc, unsigned reg, int64_t low, int64_t high) {
  const FunctionInfo* f = facts.function_at(pc);
  if (f == nullptr) return true;
  // Which registers hold the address or a pointer computed from it, at each instruction,
  // following branches and loops (a later redefinition in address order may run after the use).
  std::unordered_map<uint64_t, uint32_t> derived_at;
  std::vector<uint64_t> work;
  const auto flow_to = [&](uint64_t to, uint32_t derived) {
    if (to < f->start || to >= f->end || derived == 0) return;
    uint32_t& known = derived_at[to];
    if ((known | derived) == known) return;
    known |= derived;
    work.push_back(to);
  };
  DecodedInsn d;
  if (!facts.instruction_at(pc, d)) return true;
  flow_to(pc + d.len, 1u << reg);
  while (!work.empty()) {
    const uint64_t at = work.back();
    work.pop_back();
    if (!facts.instruction_at(at, d)) continue;
    uint32_t derived = derived_at[at];
    const int64_t imm = static_cast<int64_t>(d.imm);
    if (d.operands().mem != MemAccess::kNone && (derived >> d.rs1 & 1) &&
        (imm >= high || imm < low))
      return true;
    const unsigned rd = d.arch_rd();
    if (rd != 0 && d.operands().rd == RegFile::kX) {
      const bool from = (d.op == Op::addi && (derived >> d.rs1 & 1)) ||
                        (d.op == Op::add && ((derived >> d.rs1 & 1) || (derived >> d.rs2 & 1)));
      derived = from ? derived | 1u << rd : derived & ~(1u << rd);
    }
    const Group g = d.group();
    if (g == Group::Branch || (g == Group::Jal && rd == 0)) flow_to(at + imm, derived);
    if (g == Group::Jalr && rd == 0) continue;  // a return or a tail call
    if (g != Group::Jal || rd != 0) flow_to(at + d.len, derived);
  }
  return false;
}

StackLocals find_stack_locals(const ImageFacts& facts) {
  StackLocals out;
  const DwarfFile file(facts.image().path());
  if (!file.dwarf()) {
    out.missing = "the image has no DWARF debug info";
    return out;
  }
  if (!file.has_cfi()) {
    out.missing = "the image has no call frame information (.debug_frame or .eh_frame)";
    return out;
  }
  Finder finder(facts, file, out);
  for_each_unit(file.dwarf(), [&](Dwarf_Die* cu) { visit(cu, finder); });
  return out;
}

std::unordered_map<uint64_t, uint64_t> global_array_elements(const ImageFacts& facts) {
  std::unordered_map<uint64_t, uint64_t> out;
  const DwarfFile file(facts.image().path());
  if (!file.dwarf()) return out;
  for_each_unit(file.dwarf(), [&](Dwarf_Die* cu) { collect_global_arrays(cu, out); });
  return out;
}

}  // namespace unitag::tags
