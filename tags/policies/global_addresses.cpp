#include "tags/policies/global_addresses.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "tags/policies/stack_locals.h"

namespace unitag::tags {
namespace {

constexpr unsigned kRa = 1, kSp = 2, kGp = 3, kTp = 4, kT0 = 5, kA0 = 10, kA7 = 17;

// What a register holds: an address built from a global's (0: nothing known).
struct Candidate {
  uint32_t global = 0;  // the object the materialised address fell in
  uint64_t pc = 0;      // the addi that materialised it
  uint64_t addr = 0;    // its static part: the value, when exact; without the index added else
  bool exact = false;
};

class Finder {
 public:
  Finder(const ImageFacts& facts, const std::map<uint64_t, GlobalObject>& objects,
         const std::unordered_set<uint64_t>& boundaries)
      : facts_(facts), objects_(objects), boundaries_(boundaries) {
    for (const ElfSymbol& s : facts.image().symbols())
      if (s.name == "__global_pointer$") gp_ = s.value;
    for (const auto& [base, o] : objects) size_of_[o.id] = o.size;
  }

  GlobalAddressSites run() {
    for (const auto& [start, end] : facts_.code_ranges()) scan(start, end);
    for (const uint64_t pc : shared_bases_) sites_.materialises.erase(pc);
    return std::move(sites_);
  }

 private:
  const std::pair<const uint64_t, GlobalObject>* containing(uint64_t addr) const {
    auto it = objects_.upper_bound(addr);
    if (it == objects_.begin()) return nullptr;
    --it;
    return addr < it->first + it->second.size ? &*it : nullptr;
  }
  uint32_t id_containing(uint64_t addr) const {
    const auto* o = containing(addr);
    return o ? o->second.id : 0;
  }

  // An access through a register holding a global's address.
  void access(uint64_t pc, const DecodedInsn& d, const Candidate& c, uint64_t size) {
    const int64_t imm = static_cast<int64_t>(d.imm), n = static_cast<int64_t>(size);
    // Reaching past the object from its own address: the address was an anchor for others.
    if (c.exact ? id_containing(c.addr + imm) != c.global : imm >= n || imm <= -n)
      shared_bases_.insert(c.pc);
    // An indexed access whose static address is exactly a global's start is meant for that
    // global; one element below it, where no other object's element fits the access, too.
    const uint64_t target = c.addr + imm;
    if (c.exact || boundaries_.count(target)) return;
    if (auto it = objects_.find(target); it != objects_.end()) {
      sites_.reaches[pc] = it->second.id;
      return;
    }
    const uint64_t bytes = d.operands().mem_bytes;
    const auto next = objects_.upper_bound(target);
    if (next == objects_.end() || next->second.element != bytes || next->first - target != bytes ||
        boundaries_.count(next->first))
      return;
    if (const auto* o = containing(target)) {
      const uint64_t e = o->second.element;
      if (e == 0 || (e == bytes && (target - o->first) % e == 0)) return;  // may be o's
    }
    sites_.reaches[pc] = next->second.id;
  }

  void scan(uint64_t start, uint64_t end) {
    uint64_t known[32] = {};
    bool valid[32] = {};
    Candidate candidate[32] = {};
    DecodedInsn d;
    for (uint64_t pc = start; pc < end && facts_.instruction_at(pc, d); pc += d.len) {
      if (gp_) known[kGp] = *gp_, valid[kGp] = true;
      const unsigned rd = d.arch_rd();
      const Operands& ops = d.operands();
      const auto escapes = [&](unsigned r) {
        if (candidate[r].global) sites_.materialises[candidate[r].pc] = candidate[r].global;
      };
      if (d.op == Op::sd) escapes(d.rs2);
      if (const Candidate& c = candidate[d.rs1]; ops.mem != MemAccess::kNone && c.global)
        access(pc, d, c, size_of_.at(c.global));
      const bool call = (d.op == Op::jal || d.op == Op::jalr) && (rd == kRa || rd == kT0);
      if (call)
        for (unsigned r = kA0; r <= kA7; ++r) escapes(r);
      Candidate next;  // what rd holds after this instruction
      if (d.op == Op::addi && valid[d.rs1]) {
        // Where one global ends and the next starts, the address is taken as the next one's
        // start: an end pointer dereferenced at a negative offset is then a false positive.
        // An address that is also a linker-defined boundary (__bss_start: start code clears
        // the whole section from it) names no one object: no bounds.
        const uint64_t target = known[d.rs1] + static_cast<int64_t>(d.imm);
        const auto* o = boundaries_.count(target) ? nullptr : containing(target);
        if (o) next = {o->second.id, pc, target, true};
        // An address inside the object (`buf + 1`, a copy loop's cursor) is a pointer into it,
        // unless the code reaches from it past the object's end, or below its start (GCC keeps
        // `by_code + 1384`, inside the next array, to reach by_code[i] as -1384(i + anchor)).
        const int64_t into = o ? static_cast<int64_t>(target - o->first) : 0;
        if (o && rd != kSp && rd != kGp && rd != kTp &&
            !used_as_anchor(facts_, pc, rd, -into, static_cast<int64_t>(o->second.size) - into))
          sites_.materialises[pc] = o->second.id;
      } else if (d.op == Op::addi && candidate[d.rs1].global) {  // pointer + constant
        next = candidate[d.rs1];
        next.addr += static_cast<int64_t>(d.imm);
      } else if (d.op == Op::add &&
                 (candidate[d.rs1].global != 0) != (candidate[d.rs2].global != 0)) {
        next = candidate[d.rs1].global ? candidate[d.rs1] : candidate[d.rs2];
        next.exact = next.exact && (d.rs1 == 0 || d.rs2 == 0);  // a `mv` stays exact
      }
      const bool flow = ops.may_jump || ops.ends_block;
      if (flow) {
        std::fill(std::begin(valid), std::end(valid), false);
        std::fill(std::begin(candidate), std::end(candidate), Candidate{});
      }
      if (ops.rd == RegFile::kX && rd != 0) valid[rd] = false, candidate[rd] = {};
      if (!flow && rd != 0 && (d.op == Op::auipc || d.op == Op::lui)) {
        known[rd] =
            d.op == Op::auipc ? pc + static_cast<int64_t>(d.imm) : static_cast<int64_t>(d.imm);
        valid[rd] = true;
      }
      // sp, gp and tp are the ABI's base registers, never a C pointer to one object.
      if (!flow && rd != 0 && rd != kSp && rd != kGp && rd != kTp) candidate[rd] = next;
    }
  }

  const ImageFacts& facts_;
  const std::map<uint64_t, GlobalObject>& objects_;
  const std::unordered_set<uint64_t>& boundaries_;
  std::optional<uint64_t> gp_;
  std::unordered_map<uint32_t, uint64_t> size_of_;  // by id
  std::unordered_set<uint64_t> shared_bases_;
  GlobalAddressSites sites_;
};

}  // namespace

GlobalAddressSites find_global_address_sites(const ImageFacts& facts,
                                             const std::map<uint64_t, GlobalObject>& objects,
                                             const std::unordered_set<uint64_t>& boundaries) {
  return Finder(facts, objects, boundaries).run();
}

}  // namespace unitag::tags
