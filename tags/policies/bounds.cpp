// bounds: HardBound / CHERI style spatial safety. A pointer carries the bounds of the object it
// was made for: a heap block (from the allocator: picolibc's functions bound by symbol, or a
// tag-aware allocator's tag.alloc), a global (its ELF symbol's size; the pointer gets them where
// code materialises the symbol's address, auipc/lui or gp + addi, and passes or stores it, or
// takes its start without using it as an anchor for other objects), a stack local array or
// struct (stack_locals.h: where DWARF puts it in its function's frame; its words get its region
// when the frame opens, and code taking its address, `addi rd, sp, k`, gives the pointer that
// region), or a sub-object that code narrowed it to with tag.bound (one field of a struct;
// abi/unitag/tag_isa.h: unitag_tag_bound). Moves, pointer +- integer, and 64-bit loads and
// stores of the pointer keep them; an access outside them is refused, also from one field of a
// struct into the next once narrowed, or from one local into the next, which the colour-based
// heap policy and the depth-based frame policy cannot see.
// How, without addresses in the rule key: bounds are regions in a table that only grows, and a
// memory word's tag names the innermost region the word belongs to. A pointer may access a word
// iff its region contains the word's (is it or an ancestor of it), so the rule is a function of
// the two tags alone and memoises like any other; the byte-exact end of an allocation is the
// word's invalid tail bytes, as for heap. Narrowing re-labels the sub-object's words with a
// child region and may only narrow (tag.bound outside the pointer's bounds is refused), so any
// code may do it with its own pointer as authority. A local has one region for all activations
// (one per heap block its frames live in, for threads' stacks: a child of the block, so the
// block's pointer still reaches it), so tags stay few.
// Cannot catch: accesses through pointers without bounds (built from integers, byte-wise copies,
// a global reached from another's address, or a local indexed from sp itself, where the
// access's static address is inside another object (for globals: on one of its elements, of
// the access's size): global_addresses.h, stack_locals.h); sub-object and global
// bounds are 8-byte granular (a word shared by two fields belongs to the one narrowed last);
// locals and globals that share a word with another object get no bounds; an address where one
// global ends and the next starts is taken as the next one's (an end pointer `a + n` of a global
// materialised as a constant, then dereferenced at a negative offset, would be refused); an
// address that is also a sizeless symbol's (the first global after __bss_start) gets none, as
// the ELF cannot tell which object code means there; overflows between two activations of one
// function (frame's business). A use after free is caught as an access outside bounds (the freed
// words belong to no region), as is an access through a pointer to a freed field.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "tags/policies/global_addresses.h"
#include "tags/policies/pointer_tags.h"
#include "tags/policies/registry.h"
#include "tags/policies/stack_locals.h"

namespace unitag::tags {
namespace {

constexpr unsigned kA0 = 10;
constexpr uint32_t kMaxRegions = (1u << 28) - 1;

// Register: the pointer's region (0: no bounds, unchecked). Memory: bits 0-27 the region the
// word belongs to, 28-30 its invalid tail bytes, 32-59 the region of a pointer stored in it.
// CI: pointer_code_meta, and from bit 8 the region (a global, a stack local) of the object whose
// address the instruction materialises.
uint32_t location(Meta m) { return static_cast<uint32_t>(m) & kMaxRegions; }
unsigned tail(Meta m) { return static_cast<unsigned>(m >> 28) & 7; }
uint32_t stored(Meta m) { return static_cast<uint32_t>(m >> 32) & kMaxRegions; }
Meta word(uint32_t loc, unsigned tail_bytes, uint32_t value) {
  return loc | Meta{tail_bytes} << 28 | Meta{value} << 32;
}
uint32_t object_of(Meta ci) { return static_cast<uint32_t>(ci >> 8); }

// update_range callbacks (arg packs what the word becomes).
Meta place(Meta, Meta arg) { return arg; }  // a fresh block: its region, no stored pointers
Meta place_keep_values(Meta old, Meta arg) { return (arg & 0xffffffff) | (old & ~0xffffffffull); }
// A freed block belongs to nobody; realloc keeps the pointers stored in it (they move along).
Meta unplace(Meta, Meta) { return 0; }
Meta unplace_keep_values(Meta old, Meta) { return old & ~0xffffffffull; }
Meta drop_value(Meta old, Meta) { return old & 0xffffffff; }
Meta drop_tail(Meta old, Meta) { return old & ~(Meta{7} << 28); }
Meta take_value(Meta dst, Meta src) { return (dst & 0xffffffff) | (src & ~0xffffffffull); }
Meta set_value(Meta old, Meta region) { return (old & 0xffffffff) | region << 32; }
// Narrowing: words of the parent (arg's low half) move to the child (arg's high half); words
// already in a narrower region of the parent keep it.
Meta narrow(Meta old, Meta arg) {
  if (location(old) != (arg & kMaxRegions)) return old;
  return word(static_cast<uint32_t>(arg >> 32), tail(old), stored(old));
}

constexpr Denial kLoadOutside{"load-bounds", "load outside the pointer's bounds",
                              "out-of-bounds-read"};
constexpr Denial kStoreOutside{"store-bounds", "store outside the pointer's bounds",
                               "out-of-bounds-write"};
constexpr Denial kTagAuthority{
    "tag-authority", "tag.alloc or tag.free outside code with allocator authority", "tag-forgery"};
constexpr Denial kWiden{"bound-widen",
                        "tag.bound asks for bounds outside the pointer's own (it may only narrow)",
                        "bounds-widening"};

bool is_access(OpGroup op) { return accesses_memory(op) && op != OpGroup::kTagGet; }

struct Region {
  uint64_t base = 0, size = 0;
  uint32_t parent = 0;  // 0: a root (an allocation or a global)
  bool live = true;
  // Globals and locals are described up front; a heap block or a narrowed sub-object only when
  // a report names it (a source-line lookup per allocation was a twentieth of a malloc-heavy
  // run): what is empty then, and site is the allocating or narrowing pc.
  std::string what;
  uint64_t site = 0;
  bool local = false;    // a stack local's
  uint32_t same_as = 0;  // a local's copy inside a block (a thread's stack): also the local's
};

class Bounds final : public Policy {
 public:
  std::string_view name() const override { return "bounds"; }
  std::string_view summary() const override {
    return "HardBound/CHERI style: pointers carry base and bound (heap blocks, globals by "
           "symbol size, struct fields narrowed with tag.bound); any access outside is caught";
  }

  void prepare(const ImageFacts& facts, const SourceLines& lines) override {
    lines_ = &lines;
    regions_.emplace_back();  // region 0: no bounds
    find_globals(facts);
    find_global_addresses(facts);
    bound_stack_locals(facts);
  }

  unsigned inputs(OpGroup op, bool) const override {
    switch (op) {
      case OpGroup::kTagAlloc:
      case OpGroup::kTagFree:
        return kCi;
      case OpGroup::kMove:
        return kCi | kRs1;  // `mv` is how an address is materialised when %lo is 0
      default:
        return pointer_tag_inputs(op);
    }
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    uint32_t object = 0;
    if (auto it = address_at_.find(pc); it != address_at_.end())
      object = it->second;
    else if (auto reach = reaches_at_.find(pc); reach != reaches_at_.end())
      object = reach->second;
    return pointer_code_meta(facts, pc) | Meta{object} << 8;
  }
  std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(const ImageFacts&) const override {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const auto& [base, id] : globals_) ranges.emplace_back(base, base + regions_[id].size);
    return ranges;
  }
  Meta memory_meta_at_load(const ImageFacts&, uint64_t w) const override {
    // A global need not start on a word: the word holding its first byte is its too.
    auto it = globals_.upper_bound(w + 7);
    if (it == globals_.begin()) return 0;
    --it;
    const uint64_t end = it->first + regions_[it->second].size;
    if (end <= w) return 0;
    // The bytes past its end in its last word are nobody's (byte-granular, as for heap blocks;
    // the engine judges them for this policy only), unless another global starts there.
    unsigned tail_bytes = 0;
    if (end < w + 8 && (std::next(it) == globals_.end() || std::next(it)->first >= w + 8))
      tail_bytes = static_cast<unsigned>(w + 8 - end);
    return word(it->second, tail_bytes, 0);
  }
  unsigned invalid_tail_bytes(Meta m) const override { return tail(m); }

  // Regions are compared and copied; whether one region contains another is the only thing
  // the rule reads from the table, so such a rule is keyed on its values.
  std::vector<IdentityField> identity_fields() const override {
    return {{Site::kRegister, 0, 32, 1, kMaxRegions},
            {Site::kInstruction, 8, 32, 1, kMaxRegions},
            {Site::kMemory, 0, 28, 1, kMaxRegions},
            // The tail bytes: the rule only copies them (the engine turns them into overhangs).
            {Site::kMemory, 28, 3, 1, 7},
            {Site::kMemory, 32, 28, 1, kMaxRegions}};
  }
  bool identities_suffice(const RuleInputs& in) const override {
    const uint32_t bound = bounds_of_access(in), loc = location(in.mem);
    return !is_access(in.op) || bound == 0 || loc == 0 || bound == loc;
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    if (const uint32_t g = object_of(in.ci);
        g && (in.op == OpGroup::kAdd || in.op == OpGroup::kMove)) {
      out.rd = g;
      return nullptr;
    }
    if (const auto rd = derived_pointer_tag(in.op, in.ci, in.rs1, in.rs2)) {
      out.rd = *rd;
      return nullptr;
    }
    if (in.op == OpGroup::kTagAlloc || in.op == OpGroup::kTagFree)
      return in.ci & kAllocatorAuthority ? nullptr : &kTagAuthority;
    if (!is_access(in.op)) return nullptr;
    const bool store = writes_memory(in.op);
    const uint32_t bound = bounds_of_access(in);
    if (!(in.ci & kAllocatorAuthority) && bound != 0) {
      if (!contains(bound, location(in.mem))) return store ? &kStoreOutside : &kLoadOutside;
      // The bytes past a block's end in its last word; word-at-a-time string code may read the
      // whole word (see heap).
      if (in.overhang != kNoOverhang && !(in.overhang == kWholeWord && in.op == OpGroup::kLoad64))
        return store ? &kStoreOutside : &kLoadOutside;
    }
    const StoredPointerFlow flow = stored_pointer_flow(in.op, in.ci);
    if (flow.rd_gets_stored) out.rd = stored(in.mem);
    if (store)
      out.mem =
          flow.writes
              ? word(location(in.mem), tail(in.mem),
                     static_cast<uint32_t>(stored_pointer_after(flow, stored(in.mem), in.rs2)))
              : in.mem;
    return nullptr;
  }

  // The bounds an access is checked against: its pointer's, or, for a pointer without bounds,
  // the global the access reaches through a section anchor (its CI).
  static uint32_t bounds_of_access(const RuleInputs& in) {
    const uint32_t ptr = static_cast<uint32_t>(in.rs1);
    return ptr != 0 || !is_access(in.op) ? ptr : object_of(in.ci);
  }

  std::vector<std::string> bound_functions(const ImageFacts& facts) const override {
    return standard_allocator_bindings(facts);
  }
  EventSet events() const override {
    // sp moves are watched only where a frame has locals to bound.
    if (stack_.opens.empty())
      return EventSet::of<BoundCallEntry, BoundCallReturn, TagInstruction, HostWrite>();
    return EventSet::of<StackPointerWrite, BoundCallEntry, BoundCallReturn, TagInstruction,
                        HostWrite>();
  }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* w = std::get_if<StackPointerWrite>(&e); w && w->new_known)
      stack_moved(*w, tags);
    if (const auto* ret = std::get_if<BoundCallReturn>(&e)) allocator_returned(ret->call, tags);
    if (const auto* t = std::get_if<TagInstruction>(&e)) return tag_instruction(*t, tags);
    // Bytes from the host are data: the words keep their region, but hold no pointer.
    if (const auto* w = std::get_if<HostWrite>(&e))
      tags.update_range(w->addr, w->size, &drop_value, 0);
    return nullptr;
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    if (site == Site::kInstruction) {
      std::string s = m & kAllocatorAuthority ? "allocator code"
                      : m & kSubtracts        ? "subtracts"
                                              : "";
      if (object_of(m))
        s += (s.empty() ? "" : ", ") +
             fmt::format("address of (or access meant for) {}", region_text(object_of(m)));
      return s.empty() ? "?" : s;
    }
    if (site == Site::kRegister) return "bounds of " + region_text(static_cast<uint32_t>(m));
    if (site != Site::kMemory) return "?";
    std::string s = location(m) ? "in " + region_text(location(m)) : "outside every object";
    if (stored(m)) s += ", holds a pointer with bounds of " + region_text(stored(m));
    return s;
  }
  Explanation explain(const Denial&, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    std::lock_guard lock(mu_);
    const uint32_t ptr = bounds_of_access(in);
    if (ptr == 0 || ptr >= regions_.size()) return {};
    const Region& r = regions_[ptr];
    std::string s = fmt::format("{} [0x{:x}, 0x{:x}) of {}",
                                in.rs1 ? "pointer bounds"
                                       : "bounds of the global the access is meant for (reached "
                                         "through another global's address)",
                                r.base, r.base + r.size, text_locked(ptr));
    std::string kind;
    if (has_addr) {
      const unsigned n = in.access_size ? in.access_size : 1;
      s += fmt::format("\naccess [0x{:x}, 0x{:x})", addr, addr + n);
      if (addr + n > r.base + r.size)
        s += fmt::format(": {} bytes past the bound", addr + n - (r.base + r.size));
      else if (addr < r.base)
        s += fmt::format(": {} bytes before the base", r.base - addr);
      else if (!live_locked(ptr)) {
        s += ": inside the bounds, but the object was freed";
        kind = "heap-use-after-free";
      }
      const uint32_t loc = location(in.mem);
      s += loc ? "; the word belongs to " + text_locked(loc) : "; the word belongs to no object";
    }
    return {kind, s + "\n"};
  }

 private:
  uint32_t add_region(uint64_t base, uint64_t size, uint32_t parent, std::string what,
                      uint64_t site = 0) {
    std::lock_guard lock(mu_);
    if (regions_.size() > kMaxRegions) return 0;  // out of region numbers: unchecked from here
    regions_.push_back({base, size, parent, true, std::move(what), site});
    return static_cast<uint32_t>(regions_.size() - 1);
  }
  // Whether region `outer` is `inner` or one of its ancestors (0 is inside nothing).
  bool contains(uint32_t outer, uint32_t inner) const {
    std::lock_guard lock(mu_);
    for (uint32_t r = inner; r != 0 && r < regions_.size(); r = regions_[r].parent)
      if (r == outer || (regions_[r].same_as != 0 && regions_[r].same_as == outer)) return true;
    return false;
  }
  bool live_locked(uint32_t id) const {
    for (uint32_t r = id; r != 0 && r < regions_.size(); r = regions_[r].parent)
      if (!regions_[r].live) return false;
    return true;
  }
  std::string region_text(uint32_t id) const {
    std::lock_guard lock(mu_);
    return text_locked(id);
  }
  std::string text_locked(uint32_t id) const {
    if (id == 0 || id >= regions_.size()) return "?";
    const Region& r = regions_[id];
    std::string what = r.what;
    if (what.empty() && r.parent == 0)
      what = fmt::format("heap block [0x{:x}, +{}) allocated at {}", r.base, r.size,
                         site_text(r.site));
    else if (what.empty())
      what =
          fmt::format("a {}-byte sub-object at offset {} of {}, narrowed at {}", r.size,
                      r.base - regions_[r.parent].base, text_locked(r.parent), site_text(r.site));
    return what + (live_locked(id) ? "" : " (freed)");
  }
  std::string site_text(uint64_t pc) const {
    auto line = lines_ ? lines_->line(pc) : std::nullopt;
    return line ? *line : fmt::format("0x{:x}", pc);
  }

  // Inside one allocated, non-executable section (not a TLS offset or an absolute symbol).
  static bool in_data(const ImageFacts& facts, uint64_t addr, uint64_t size) {
    for (const ElfSection& s : facts.image().sections())
      if (s.alloc && !s.executable && addr >= s.addr && addr - s.addr + size <= s.size) return true;
    return false;
  }
  // Globals: object symbols with a size, each alone in its words.
  void find_globals(const ImageFacts& facts) {
    std::vector<const ElfSymbol*> objects;
    for (const ElfSymbol& s : facts.image().symbols()) {
      if (!s.is_function && s.size > 0 && in_data(facts, s.value, s.size)) objects.push_back(&s);
      if (!s.is_function && s.size == 0) boundaries_.insert(s.value);
    }
    std::sort(objects.begin(), objects.end(), [](auto* a, auto* b) {
      return a->value != b->value ? a->value < b->value : a->size > b->size;
    });
    for (size_t i = 0; i < objects.size(); ++i) {
      const ElfSymbol& s = *objects[i];
      const uint64_t lo = s.value & ~7ull, hi = (s.value + s.size + 7) & ~7ull;
      const bool shares_before = i > 0 && objects[i - 1]->value + objects[i - 1]->size > lo;
      const bool shares_after = i + 1 < objects.size() && objects[i + 1]->value < hi;
      if (shares_before || shares_after) continue;
      const uint32_t id =
          add_region(s.value, s.size, 0, fmt::format("global '{}' ({} bytes)", s.name, s.size));
      if (id) globals_.emplace(s.value, id);
    }
  }
  // Where code materialises or reaches each global (global_addresses.h).
  void find_global_addresses(const ImageFacts& facts) {
    std::map<uint64_t, GlobalObject> objects;
    const auto elements = global_array_elements(facts);
    for (const auto& [base, id] : globals_) {
      const auto e = elements.find(base);
      objects.emplace(base,
                      GlobalObject{id, regions_[id].size, e == elements.end() ? 0 : e->second});
    }
    GlobalAddressSites sites = find_global_address_sites(facts, objects, boundaries_);
    address_at_ = std::move(sites.materialises);
    reaches_at_ = std::move(sites.reaches);
  }

  // Stack locals (DWARF): one region per local object, for every activation of its function
  // (the region's base follows the latest one, for reports); code taking the local's address
  // gives the pointer that region, as for globals.
  void bound_stack_locals(const ImageFacts& facts) {
    stack_ = find_stack_locals(facts);
    if (!stack_.missing.empty()) {
      static std::atomic<bool> said{false};  // once per process: fuzzers build many machines
      if (!said.exchange(true))
        fmt::print(stderr, "unitag: bounds: {}: stack buffers stay unbounded\n", stack_.missing);
      return;
    }
    for (const StackLocal& l : stack_.locals) {
      const uint32_t id = add_region(
          0, l.size, 0, fmt::format("local '{}' ({} bytes) of {}", l.name, l.size, l.function));
      if (id) regions_[id].local = true;
      local_regions_.push_back(id);
    }
    for (const auto& [pc, local] : stack_.address_at)
      if (local_regions_[local]) address_at_.emplace(pc, local_regions_[local]);
    for (const auto& [pc, local] : stack_.reaches)
      if (local_regions_[local]) reaches_at_.emplace(pc, local_regions_[local]);
  }
  // A frame with bounded locals opens: their words get their regions. It closes: the invalid
  // tail bytes go (another function's frame will use them through sp).
  void stack_moved(const StackPointerWrite& w, TagAccess& tags) {
    const bool opens = w.new_sp < w.old_sp;
    const auto& moves = opens ? stack_.opens : stack_.closes;
    const auto it = moves.find(tags.pc());
    if (it == moves.end()) return;
    const uint64_t cfa = w.old_sp + it->second.cfa_from_sp;
    for (const uint32_t i : it->second.locals) {
      const StackLocal& l = stack_.locals[i];
      const uint64_t base = cfa + l.cfa_offset;
      if (!opens) {
        tags.update_range(base + l.size - 1, 1, &drop_tail, 0);
        continue;
      }
      const uint32_t id = local_region(i, location(tags.mem_meta(base)), base);
      if (id) place_object(base, l.size, id, l.tail, tags, &place);
    }
  }
  // The region of local i at base, whose words belonged to region `was` (before this frame).
  // Inside a block (a thread's stack from the heap) it is a copy of the local's region that is
  // also the block's child, so pointers to the block still reach it.
  uint32_t local_region(uint32_t i, uint32_t was, uint64_t base) {
    const uint32_t own = local_regions_[i];
    if (own == 0) return 0;
    std::lock_guard lock(mu_);
    uint32_t block = was < regions_.size() ? was : 0;
    if (block && regions_[block].local) block = regions_[block].parent;  // a stale local's
    uint32_t id = own;
    if (block) {
      auto [it, fresh] = local_copies_.try_emplace({i, block}, 0);
      if (fresh && regions_.size() <= kMaxRegions) {
        Region copy = regions_[own];
        copy.parent = block, copy.same_as = own;
        regions_.push_back(std::move(copy));
        it->second = static_cast<uint32_t>(regions_.size() - 1);
      }
      if (it->second) id = it->second;
    }
    regions_[id].base = base;
    return id;
  }
  // The words of [p, p+size) get region id; the last word's bytes past the end are invalid.
  static void place_object(uint64_t p, uint64_t size, uint32_t id, unsigned tail_bytes,
                           TagAccess& tags, Meta (*f)(Meta, Meta)) {
    const uint64_t end = p + size, last = std::max<uint64_t>(end & ~uint64_t{7}, p);
    if (last > p) tags.update_range(p, last - p, f, word(id, 0, 0));
    if (end > last) tags.update_range(last, end - last, f, word(id, tail_bytes, 0));
  }

  void allocator_returned(const BoundCall& call, TagAccess& tags) {
    const auto& a = call.args;
    const uint64_t result = call.result, site = call.call_site;
    if (call.function == "malloc") {
      tags.set_reg_meta(kA0, allocate(result, a[0], site, tags, &place));
    } else if (call.function == "calloc") {
      tags.set_reg_meta(kA0, allocate(result, a[0] * a[1], site, tags, &place));
    } else if (call.function == "aligned_alloc" || call.function == "memalign") {
      tags.set_reg_meta(kA0, allocate(result, a[1], site, tags, &place));
    } else if (call.function == "free") {
      release(a[0], tags, &unplace);
    } else if (call.function == "realloc") {
      const uint64_t old_size = live_size(a[0]);
      if (result != 0 && a[0] != 0 && result != a[0])  // moved: so do its stored pointers
        tags.copy_values(a[0], result, std::min(old_size, a[1]), &take_value);
      if (a[0] != 0 && (result != 0 || a[1] == 0)) release(a[0], tags, &unplace_keep_values);
      tags.set_reg_meta(kA0, allocate(result, a[1], site, tags, &place_keep_values));
    } else if (call.function == "posix_memalign" && result == 0) {
      uint64_t p = 0;
      if (tags.read_u64(a[0], p) && p) {
        tags.update_range(a[0], 8, &set_value, allocate(p, a[2], site, tags, &place));
        tags.set_reg_meta(kA0, 0);
      }
    }
  }

  const Denial* tag_instruction(const TagInstruction& t, TagAccess& tags) {
    if (t.op == OpGroup::kTagAlloc) {
      tags.set_reg_meta(t.rd, allocate(t.rs1, t.rs2, tags.pc(), tags, &place));
    } else if (t.op == OpGroup::kTagFree) {
      release(t.rs1, tags, &unplace);
    } else if (t.op == OpGroup::kTagBound) {
      // rd's tag is the rule's output: the bounds of the pointer being narrowed.
      const uint32_t parent = static_cast<uint32_t>(tags.reg_meta(t.rd));
      if (parent == 0) return nullptr;  // no bounds to narrow: stays unchecked
      uint64_t base = 0, size = 0;
      {
        std::lock_guard lock(mu_);
        if (parent >= regions_.size()) return nullptr;
        base = regions_[parent].base, size = regions_[parent].size;
      }
      if (t.rs1 < base || t.rs2 > size || t.rs1 - base > size - t.rs2) return &kWiden;
      const uint32_t child = sub_region(parent, t.rs1, t.rs2, tags.pc());
      if (child == 0) return nullptr;
      tags.update_range(t.rs1, t.rs2, &narrow, Meta{child} << 32 | parent);
      tags.set_reg_meta(t.rd, child);
    }
    return nullptr;
  }
  // One region per (parent, base, size): narrowing the same field again (a loop, each call of a
  // function) gives the same bounds, so earlier narrowed pointers stay valid.
  uint32_t sub_region(uint32_t parent, uint64_t base, uint64_t size, uint64_t pc) {
    const auto key = std::make_tuple(parent, base, size);
    {
      std::lock_guard lock(mu_);
      if (auto it = narrowed_.find(key); it != narrowed_.end()) return it->second;
    }
    const uint32_t id = add_region(base, size, parent, {}, pc);
    std::lock_guard lock(mu_);
    narrowed_[key] = id;
    return id;
  }

  uint32_t allocate(uint64_t p, uint64_t size, uint64_t site, TagAccess& tags,
                    Meta (*f)(Meta, Meta)) {
    if (p == 0) return 0;
    const uint32_t id = add_region(p, size, 0, {}, site);
    if (id == 0) return 0;
    // Exact to the byte, as for heap.
    place_object(p, size, id, static_cast<unsigned>((8 - (p + size) % 8) % 8), tags, f);
    std::lock_guard lock(mu_);
    live_[p] = id;
    return id;
  }
  void release(uint64_t p, TagAccess& tags, Meta (*f)(Meta, Meta)) {
    uint64_t size = 0;
    {
      std::lock_guard lock(mu_);
      auto it = live_.find(p);
      if (it == live_.end()) return;  // not a block we bounded (heap catches bad frees)
      regions_[it->second].live = false;
      size = regions_[it->second].size;
      live_.erase(it);
    }
    tags.update_range(p, std::max<uint64_t>(size, 1), f, 0);
  }
  uint64_t live_size(uint64_t p) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(p);
    return it == live_.end() ? 0 : regions_[it->second].size;
  }

  const SourceLines* lines_ = nullptr;
  mutable std::mutex mu_;
  std::deque<Region> regions_;               // by id; only grows, so rules stay valid
  std::unordered_set<uint64_t> boundaries_;  // addresses of sizeless symbols (section bounds)
  std::map<uint64_t, uint32_t> globals_;     // base -> region, for globals with bounds
  // addi pc -> the region of the global or stack local whose address it materialises
  std::unordered_map<uint64_t, uint32_t> address_at_;
  // access pc -> the global it reaches through another global's address (a section anchor)
  std::unordered_map<uint64_t, uint32_t> reaches_at_;
  StackLocals stack_;
  std::vector<uint32_t> local_regions_;                             // by index in stack_.locals
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> local_copies_;  // (local, block) -> region
  std::map<uint64_t, uint32_t> live_;  // base -> region of each live heap block
  std::map<std::tuple<uint32_t, uint64_t, uint64_t>, uint32_t> narrowed_;
};

}  // namespace

std::unique_ptr<Policy> make_bounds_policy() { return std::make_unique<Bounds>(); }

}  // namespace unitag::tags
