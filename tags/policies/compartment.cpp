// compartment: Timber-V style enclaves inside one image. A compartment NAME is the ELF sections
// `.text.compartment.NAME`, `.text.compartment.NAME.gate`, `.data.compartment.NAME`,
// `.bss.compartment.NAME` (and `.rodata`/`.sdata`/`.sbss` likewise), placed there by the macros
// of abi/unitag/compartment.h. Its words carry its number; an instruction's tag says which
// compartment's code it is (0: shared code). A load or store must be by the owner's code or hit
// a shared word, so code outside cannot read or write a compartment's code, data or stack frames
// (`compartment-read`, `compartment-write`), whatever the pointer (an out-of-bounds read from a
// shared array, a forged address). The PC tag remembers which compartment the previous
// instruction belonged to: control may enter compartment code from elsewhere only at the entry
// of a gate function (a function in the `.gate` section), or back at a return site after that
// compartment called out (`enter-outside-gate`). Leaving is always allowed (the gate's return).
// Stack frames: a frame opened by compartment code (sp moved down by its instruction) becomes
// the compartment's; when its code pops the frame the words become its residue, which no other
// code may read until it writes them (a later frame reusing the stack overwrites them first).
// Cannot catch: data the compartment leaves in registers after a gate returns (the gate must
// clear them); the other bytes of a residue word partly overwritten by a narrow store; shared
// code called by a compartment re-entering it at any of its return sites before that call
// returns; a second call out while one is outstanding (compartment X calls shared f, f calls
// compartment Y's gate, Y calls out: only Y's return is remembered, X's return is refused: a
// false positive, not a miss); a trap taken inside a compartment (the handler's mret back into
// it is refused). Shared functions a compartment calls run as shared code and cannot touch its
// private words (compartments bring their own helpers, as Timber-V's enclaves do).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "machine/isa/insn.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr unsigned kSp = 2;
constexpr unsigned kMaxCompartments = 255;
constexpr uint64_t kMaxFrame = 1 << 20;  // a larger sp move is a stack switch, not a frame

// Instruction tag: bits 0-7 the compartment whose code it is, bit 8 a gate function's entry,
// bit 9 a return site (after a call) in compartment code.
constexpr Meta kGateEntry = 1 << 8, kReturnSite = 1 << 9;
// PC tag: bits 0-7 the compartment of the previous instruction, bit 8 "it was a call",
// bits 16-23 the compartment that called out and may be returned to.
constexpr Meta kCalling = 1 << 8;
// Memory tag: bits 0-7 the owning compartment (0: shared), bit 8 "residue of a popped frame".
constexpr Meta kResidue = 1 << 8;

unsigned owner(Meta m) { return static_cast<unsigned>(m) & 0xff; }
unsigned lent(Meta pc) { return static_cast<unsigned>(pc >> 16) & 0xff; }
Meta pc_tag(unsigned comp, bool calling, unsigned lent_to) {
  return comp | (calling ? kCalling : 0) | Meta{lent_to} << 16;
}
Meta claim(Meta, Meta comp) { return comp; }
Meta to_residue(Meta m, Meta comp) { return owner(m) == comp ? comp | kResidue : m; }

constexpr Denial kEnterOutsideGate{
    "enter-outside-gate",
    "control entered a compartment's code other than through one of its gates",
    "compartment-entry"};
constexpr Denial kOutsideRead{"outside-read", "load of a word private to another compartment",
                              "compartment-read"};
constexpr Denial kOutsideWrite{"outside-write", "store to a word private to another compartment",
                               "compartment-write"};
constexpr Denial kResidueRead{"residue-read",
                              "load of a word a compartment's popped stack frame left behind",
                              "compartment-residue-read"};

bool is_access(OpGroup op) { return accesses_memory(op) && op != OpGroup::kTagGet; }

struct Region {
  uint64_t start = 0, end = 0;
  unsigned comp = 0;
  bool code = false;
  std::string section;
};

// ".KIND.compartment.NAME" or ".KIND.compartment.NAME.gate" (KIND: text, data, bss, rodata, sdata,
// sbss; NAME: letters, digits, '_'). A parser rather than std::regex: GCC 12's <regex> trips
// -Wmaybe-uninitialized in sanitizer builds.
bool parse_section(std::string_view section, std::string& name, bool& gate) {
  static constexpr std::string_view kKinds[] = {".text",   ".data",  ".bss",
                                                ".rodata", ".sdata", ".sbss"};
  constexpr std::string_view kMarker = ".compartment.", kGate = ".gate";
  bool kind_ok = false;
  for (std::string_view kind : kKinds)
    if (section.substr(0, kind.size()) == kind &&
        section.substr(kind.size(), kMarker.size()) == kMarker) {
      section.remove_prefix(kind.size() + kMarker.size());
      kind_ok = true;
      break;
    }
  if (!kind_ok) return false;
  gate = section.size() > kGate.size() && section.substr(section.size() - kGate.size()) == kGate;
  if (gate) section.remove_suffix(kGate.size());
  if (section.empty()) return false;
  for (char c : section)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  name = std::string(section);
  return true;
}

class Compartment final : public Policy {
 public:
  std::string_view name() const override { return "compartment"; }
  std::string_view summary() const override {
    return "enclaves from .text/.data/.bss.compartment.NAME sections: no access to a "
           "compartment's code, data or stack frames from outside, entry only through its gates";
  }

  void prepare(const ImageFacts& facts, const SourceLines&) override {
    for (const ElfSection& s : facts.image().sections()) {
      std::string name;
      bool gate = false;
      if (!s.alloc || s.size == 0 || !parse_section(s.name, name, gate)) continue;
      const unsigned comp = number_of(name);
      if (comp == 0) continue;  // more than kMaxCompartments: the rest stay shared
      regions_.push_back({s.addr, s.addr + s.size, comp, s.executable, s.name});
      if (gate) find_gates(facts, s, comp);
    }
    std::sort(regions_.begin(), regions_.end(),
              [](const Region& a, const Region& b) { return a.start < b.start; });
  }

  unsigned inputs(OpGroup op, bool) const override {
    return is_access(op) ? kPc | kCi | kMem : kPc | kCi;
  }

  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    const Region* r = region_at(pc);
    if (r == nullptr || !r->code) return 0;
    Meta m = r->comp;
    if (gates_.count(pc)) m |= kGateEntry;
    if (facts.is_return_site(pc)) m |= kReturnSite;
    return m;
  }
  std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(const ImageFacts&) const override {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const Region& r : regions_) ranges.emplace_back(r.start, r.end);
    return ranges;
  }
  Meta memory_meta_at_load(const ImageFacts&, uint64_t word) const override {
    const Region* r = region_at(word);
    return r ? r->comp : 0;
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    const unsigned comp = owner(in.ci), prev = owner(in.pc);
    unsigned lent_to = lent(in.pc);
    if (comp != prev) {
      const unsigned returning_to = lent_to;
      if (prev != 0 && (in.pc & kCalling)) lent_to = prev;  // a compartment called out
      if (comp != 0) {
        if (!(in.ci & kGateEntry)) {
          if (returning_to != comp || !(in.ci & kReturnSite)) return &kEnterOutsideGate;
          lent_to = 0;  // back from its call out
        }
      }
    }
    if (is_access(in.op)) {
      const unsigned own = owner(in.mem);
      const bool store = writes_memory(in.op);
      if (own != 0 && own != comp) {
        if (!(in.mem & kResidue)) return store ? &kOutsideWrite : &kOutsideRead;
        if (!store) return &kResidueRead;
      }
      // Another compartment's store over a residue word makes it that code's (shared) data.
      if (store) out.mem = own != 0 && own != comp ? 0 : in.mem;
    }
    const bool call = in.op == OpGroup::kCall || in.op == OpGroup::kCallIndirect;
    out.pc = pc_tag(comp, call && comp != 0, lent_to);
    return nullptr;
  }

  EventSet events() const override { return EventSet::of<StackPointerWrite, HostWrite>(); }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* w = std::get_if<StackPointerWrite>(&e)) move_frame(*w, tags);
    // Bytes the host wrote keep the owner of their place (a compartment's buffer stays private).
    return nullptr;
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    switch (site) {
      case Site::kInstruction: {
        std::string s = "code of " + compartment_name(owner(m));
        if (m & kGateEntry) s += ", gate entry";
        if (m & kReturnSite) s += ", return site";
        return s;
      }
      case Site::kPc: {
        std::string s = "after " + where(owner(m));
        if (m & kCalling) s += " called";
        if (lent(m)) s += ", " + compartment_name(lent(m)) + " called out";
        return s;
      }
      case Site::kMemory:
        return (m & kResidue ? "residue of a stack frame of " : "private to ") +
               compartment_name(owner(m));
      case Site::kRegister:
        return "?";
    }
    return "-";
  }

  Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    const unsigned comp = owner(in.ci);
    if (&d == &kEnterOutsideGate)
      return {{},
              fmt::format("control came from {} into {}, not at a gate entry; {}\n",
                          where(owner(in.pc)), compartment_name(comp), gates_text(comp))};
    const unsigned own = owner(in.mem);
    std::string s = fmt::format("{} accessed ", where(comp));
    s += has_addr ? fmt::format("0x{:x}", addr) : std::string("a word");
    if (const Region* r = has_addr ? region_at(addr) : nullptr)
      s += fmt::format(" in {} [0x{:x}, 0x{:x})", r->section, r->start, r->end);
    s += fmt::format(", {} {}\n", in.mem & kResidue ? "residue of a stack frame of" : "private to",
                     compartment_name(own));
    s += gates_text(own) + "\n";
    return {{}, s};
  }

 private:
  unsigned number_of(const std::string& name) {
    for (size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name) return static_cast<unsigned>(i + 1);
    if (names_.size() == kMaxCompartments) return 0;
    names_.push_back(name);
    return static_cast<unsigned>(names_.size());
  }

  void find_gates(const ImageFacts& facts, const ElfSection& s, unsigned comp) {
    for (uint32_t i = 1;; ++i) {
      const FunctionInfo* f = facts.function_by_index(i);
      if (f == nullptr) break;
      if (f->start >= s.addr && f->start < s.addr + s.size) {
        gates_.insert(f->start);
        gate_names_.emplace_back(comp, f->name);
      }
    }
  }

  const Region* region_at(uint64_t addr) const {
    auto it = std::upper_bound(regions_.begin(), regions_.end(), addr,
                               [](uint64_t a, const Region& r) { return a < r.start; });
    if (it == regions_.begin()) return nullptr;
    --it;
    return addr < it->end ? &*it : nullptr;
  }

  // An sp move by a compartment's own code opens (or pops) one of its frames.
  void move_frame(const StackPointerWrite& w, TagAccess& tags) const {
    const Region* r = region_at(tags.pc());
    if (!w.new_known || r == nullptr || !r->code) return;
    if (w.new_sp < w.old_sp && w.old_sp - w.new_sp <= kMaxFrame)
      tags.update_range(w.new_sp, w.old_sp - w.new_sp, &claim, r->comp);
    else if (w.new_sp > w.old_sp && w.new_sp - w.old_sp <= kMaxFrame)
      tags.update_range(w.old_sp, w.new_sp - w.old_sp, &to_residue, r->comp);
  }

  std::string compartment_name(unsigned comp) const {
    if (comp == 0) return "shared code";
    return comp <= names_.size() ? "compartment " + names_[comp - 1]
                                 : fmt::format("compartment #{}", comp);
  }
  std::string where(unsigned comp) const {
    return comp == 0 ? std::string("shared code (outside every compartment)")
                     : "code of " + compartment_name(comp);
  }
  std::string gates_text(unsigned comp) const {
    std::string gates;
    for (const auto& [c, n] : gate_names_)
      if (c == comp) gates += (gates.empty() ? "" : ", ") + n;
    if (comp == 0) return "the word is shared";
    return compartment_name(comp) + " is entered only through its gate" +
           (gates.empty() ? "s (it declares none)" : "s: " + gates);
  }

  std::vector<std::string> names_;  // compartment n is names_[n - 1]
  std::vector<Region> regions_;     // sorted by start
  std::unordered_set<uint64_t> gates_;
  std::vector<std::pair<unsigned, std::string>> gate_names_;
};

}  // namespace

std::unique_ptr<Policy> make_compartment_policy() { return std::make_unique<Compartment>(); }

}  // namespace unitag::tags
