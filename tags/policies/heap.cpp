// heap: colour-based heap safety (PUMP's memory-safety policy). Each allocation gets a fresh
// colour on its words and on the pointer returned; pointer arithmetic keeps the colour; an
// access through a coloured pointer must hit a word of the same colour. Catches heap overflow,
// underflow, use after free (freed words are recoloured), double free and free of a non-heap or
// interior pointer. Byte-granular at the end: the last word of an allocation whose size is not a
// multiple of 8 records how many of its bytes are past the end (HWASan's short granules), and a
// store or narrow load touching them is a heap-buffer-overflow, so off-by-one errors inside that
// word are caught. Binds to picolibc's malloc/free/calloc/realloc/aligned_alloc/memalign/
// posix_memalign by symbol, or to the custom-0 tag instructions of a tag-aware allocator.
// Costs: tags grow with allocations (a colour each, plus one per odd-sized last word), so
// pointer-heavy code misses the rule cache more; option colours=N bounds that with a reused
// palette (neighbours always differ), at the price of missing stale pointers whose block was
// reallocated with the same colour. Cannot catch: an over-read by an aligned
// 8-byte load of an allocation's last word (allowed for word-at-a-time string code; picolibc's
// own string functions read bytes), bytes before an allocation whose base is not 8-byte aligned
// (tag.alloc from a custom allocator), the second word of a misaligned access spanning two
// words, and accesses through pointers whose colour was lost (byte-wise copies, integer casts
// through narrow arithmetic) into another live allocation: those are unchecked, never false
// positives.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "tags/policies/heap_allocations.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

// Register metadata: the pointer's colour. Memory: bits 0-28 the word's (location) colour,
// bits 29-31 how many of its last bytes lie past its allocation's end (the last word of an
// allocation whose end is not 8-byte aligned; 0 elsewhere), bits 32-63 the colour of the pointer
// stored in it. CI: code with allocator authority (may use the tag instructions, may touch any
// heap word), or, on a `sub`, that it subtracts. Bound allocator calls run trusted (the engine
// does not check inside them); their effect is applied at return. Colours stay below 2^28 (the
// tag table holds no more tags).
constexpr Meta kAuthority = 1;
// A `sub`: pointer - integer is a pointer, but pointer - pointer (a length, an index) and
// integer - pointer (-p, 8 - (p & 7)) are integers. Without it the kAdd rule gave `end - start`
// the buffer's colour, and `other + (end - start)` (e.g. `path + strlen(s)`) then carried the
// colour of `s`'s buffer into a different object: a false positive.
constexpr Meta kSubtracts = 2;
constexpr unsigned kMetaTailShift = 29;
constexpr uint32_t kColourMask = (1u << kMetaTailShift) - 1;
uint32_t location(Meta m) { return static_cast<uint32_t>(m) & kColourMask; }
uint32_t location_and_tail(Meta m) { return static_cast<uint32_t>(m); }
unsigned tail(Meta m) { return static_cast<uint32_t>(m) >> kMetaTailShift; }
uint32_t value(Meta m) { return static_cast<uint32_t>(m >> 32); }
Meta word(uint32_t loc, uint32_t val) { return Meta{loc} | Meta{val} << 32; }
// Bytes of the word holding an allocation's last byte that lie past `end` (0-7).
unsigned tail_after(uint64_t end) { return (8 - (end & 7)) & 7; }

// Range colouring (update_range callbacks). Colouring leaves every word's tail at 0; the last
// word of an allocation gets its tail afterwards (set_tail).
Meta colour_fresh(Meta, Meta colour) { return word(static_cast<uint32_t>(colour), 0); }
Meta colour_keep_values(Meta old, Meta colour) {
  return word(static_cast<uint32_t>(colour), value(old));
}
Meta set_tail(Meta old, Meta invalid) {
  return word(location(old) | static_cast<uint32_t>(invalid) << kMetaTailShift, value(old));
}
Meta take_value(Meta dst, Meta src) { return word(location_and_tail(dst), value(src)); }
Meta set_value(Meta old, Meta colour) {
  return word(location_and_tail(old), static_cast<uint32_t>(colour));
}

// Data accesses the colours must match for (tag.get only reads a tag, not the data).
bool is_access(OpGroup op) { return accesses_memory(op) && op != OpGroup::kTagGet; }

class Heap final : public Policy {
 public:
  std::string_view name() const override { return "heap"; }
  std::string_view summary() const override {
    return "heap overflow/underflow (byte-granular at an allocation's end), use after free, "
           "double free, free of non-heap or interior pointers";
  }
  uint32_t bit() const override { return kPolicyHeap; }
  void prepare(const ImageFacts&, const SourceLines& lines) override { lines_ = &lines; }
  std::optional<std::string> set_option(std::string_view key, std::string_view value) override {
    if (key != "colours") return "unknown option '" + std::string(key) + "'";
    uint32_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n > kMaxPalette)
      return fmt::format("colours={}: give a number of colours from 1 to {} (0: unbounded)", value,
                         kMaxPalette);
    registry_.set_palette(n);
    return std::nullopt;
  }
  std::vector<std::string> options() const override {
    return {
        "colours=N: reuse N colours, as hardware with few tag bits would (0, the default: a "
        "fresh colour per allocation)"};
  }

  unsigned inputs(OpGroup op, bool) const override {
    switch (op) {
      case OpGroup::kMove:
        return kRs1;
      case OpGroup::kAdd:
        return kCi | kRs1 | kRs2;
      case OpGroup::kLogic:
        return kRs1 | kRs2;
      case OpGroup::kStore64:
      case OpGroup::kAmo:
      case OpGroup::kFpStore:
        return kCi | kRs1 | kRs2 | kMem;
      case OpGroup::kLoad:
      case OpGroup::kLoad64:
      case OpGroup::kStore:
      case OpGroup::kFpLoad:
        return kCi | kRs1 | kMem;
      case OpGroup::kTagAlloc:
      case OpGroup::kTagFree:
        return kCi;
      default:
        return 0;
    }
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    DecodedInsn d;
    if (facts.instruction_at(pc, d) && classify(d) == OpGroup::kAdd)
      return d.op == Op::sub ? kSubtracts : 0;  // authority only matters to accesses and tag ops
    const FunctionInfo* f = facts.function_at(pc);
    if (f == nullptr) return 0;
    // A compiler's clone of a function (gcc's free.part.0, malloc.constprop.1, x.isra.0, x.cold)
    // is that function's code: C names cannot contain '.'.
    const std::string n = f->name.substr(0, f->name.find('.'));
    const bool allocator =
        n.rfind("unitag_allocator_", 0) == 0 || n.rfind("__unitag_allocator", 0) == 0 ||
        std::find(kBound.begin(), kBound.end(), std::string_view(n)) != kBound.end();
    return allocator ? kAuthority : 0;
  }

  std::optional<Denial> rule(const RuleInputs& in, RuleOutputs& out) const override {
    switch (in.op) {
      case OpGroup::kMove:
        out.rd = in.rs1;
        return std::nullopt;
      case OpGroup::kAdd:
        if (in.ci & kSubtracts) {  // pointer - integer keeps the colour; anything - pointer not
          out.rd = in.rs2 ? 0 : in.rs1;
          return std::nullopt;
        }
        [[fallthrough]];
      case OpGroup::kLogic:  // pointer + integer keeps the colour
        out.rd = in.rs1 && in.rs2 ? (in.rs1 == in.rs2 ? in.rs1 : 0) : in.rs1 | in.rs2;
        return std::nullopt;
      case OpGroup::kTagAlloc:
      case OpGroup::kTagFree:
        if (!(in.ci & kAuthority))
          return Denial{
              "tag-authority",
              "tag instruction outside allocator code (only the allocator may colour memory)"};
        return std::nullopt;
      default:
        break;
    }
    if (!is_access(in.op)) return std::nullopt;
    const bool trusted = in.ci & kAuthority;
    const uint32_t ptr = static_cast<uint32_t>(in.rs1), loc = location(in.mem);
    const bool store = writes_memory(in.op);
    if (!trusted && ptr != kNoColour && ptr != loc) {
      return store ? Denial{"store-colour",
                            "store through a pointer whose colour differs from the word's"}
                   : Denial{"load-colour",
                            "load through a pointer whose colour differs from the word's"};
    }
    // The bytes past an allocation's end in its last word belong to nobody, whatever the
    // pointer's colour. An aligned 8-byte load of that word is let through: word-at-a-time
    // string code (glibc's and musl's strlen, not picolibc's, which reads bytes) reads whole
    // words and ignores the bytes after the terminator; an over-read made that way is missed.
    if (!trusted && in.overhang != kNoOverhang &&
        !(in.overhang == kWholeWord && in.op == OpGroup::kLoad64)) {
      return store ? Denial{"store-past-end",
                            "store to the bytes past an allocation's end in its last word"}
                   : Denial{"load-past-end",
                            "load of the bytes past an allocation's end in its last word"};
    }
    if (in.op == OpGroup::kLoad64) out.rd = value(in.mem);
    if (in.op == OpGroup::kStore64)
      out.mem = word(location_and_tail(in.mem), static_cast<uint32_t>(in.rs2));
    else if (store)
      out.mem = word(location_and_tail(in.mem), 0);  // a narrower store breaks a stored pointer
    return std::nullopt;
  }

  unsigned invalid_tail_bytes(Meta memory_meta) const override { return tail(memory_meta); }

  std::string describe(Meta m, Site site) const override {
    switch (site) {
      case Site::kPc:
        return "-";
      case Site::kInstruction:
        return m & kAuthority ? "allocator authority" : m & kSubtracts ? "subtracts" : "-";
      case Site::kRegister:
        return m ? "pointer to " + colour_name(static_cast<uint32_t>(m)) : "-";
      case Site::kMemory: {
        if (m == 0) return "-";
        std::string s = "word of " + colour_name(location(m));
        if (tail(m)) s += fmt::format(", its last {} bytes past the allocation's end", tail(m));
        if (value(m)) s += ", holds a pointer to " + colour_name(value(m));
        return s;
      }
    }
    return "-";
  }

  std::vector<std::string> bound_functions(const ImageFacts& facts) const override {
    if (facts.image().symbol_address("__unitag_tag_aware_allocator")) return {};
    return {kBound.begin(), kBound.end()};
  }

  std::optional<Denial> on_call(BoundCall& call, TagAccess& tags) override {
    if ((call.function == "free" || call.function == "realloc") && call.args[0] != 0)
      if (auto d = check_free(call.args[0], static_cast<uint32_t>(call.arg_meta[0]))) return d;
    return std::nullopt;
  }

  void on_return(const BoundCall& call, TagAccess& tags) override {
    const auto& a = call.args;
    const uint64_t site = call.call_site, result = call.result;
    if (call.function == "malloc")
      allocate(result, a[0], site, tags, false);
    else if (call.function == "calloc")
      allocate(result, a[0] * a[1], site, tags, false);
    else if (call.function == "aligned_alloc" || call.function == "memalign")
      allocate(result, a[1], site, tags, false);
    else if (call.function == "free")
      release(a[0], site, tags);
    else if (call.function == "realloc") {
      const auto old = a[0] ? registry_.live_containing(a[0]) : std::nullopt;
      if (result != 0 && old && result != a[0])  // the block moved: so do its stored pointers
        tags.copy_values(old->base, result, std::min(old->size, a[1]), &take_value);
      if (a[0] != 0 && (result != 0 || a[1] == 0)) release(a[0], site, tags);
      allocate(result, a[1], site, tags, true);
    } else if (call.function == "posix_memalign" && result == 0) {
      uint64_t p = 0;
      if (tags.read_u64(a[0], p) && p) {
        const uint32_t colour = allocate(p, a[2], site, tags, false);
        tags.update_range(a[0], 8, &set_value, colour);
        tags.set_reg_meta(10, 0);
      }
    }
  }

  std::optional<Denial> on_tag_instruction(OpGroup op, uint64_t rs1, uint64_t rs2, Meta& rd_meta,
                                           TagAccess& tags) override {
    if (op == OpGroup::kTagAlloc) {
      const uint32_t colour = registry_.add(rs1, rs2, tags.pc(), tags.hart());
      colour_range(rs1, rs2, &colour_fresh, colour, tags);
      rd_meta = colour;
      return std::nullopt;
    }
    if (auto d = check_free(rs1, static_cast<uint32_t>(tags.reg_meta(0)))) return d;
    release(rs1, tags.pc(), tags);
    return std::nullopt;
  }

  Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    if (d.rule == "tag-authority")
      return {"tag-forgery", "application code tried to colour or free memory tags"};
    if (d.rule == "double-free" || d.rule == "free-interior" || d.rule == "free-non-heap") {
      std::string s = fmt::format("free(0x{:x})\n", addr);
      if (auto a = registry_.by_colour(static_cast<uint32_t>(in.rs1), addr))
        s += allocation_text(*a);
      else if (auto live = registry_.live_containing(addr))
        s += allocation_text(*live);
      else if (auto freed = registry_.freed_containing(addr))
        s += allocation_text(*freed);
      static const std::pair<std::string_view, const char*> kinds[] = {
          {"double-free", "heap-double-free"},
          {"free-interior", "heap-free-interior-pointer"},
          {"free-non-heap", "heap-free-non-heap-pointer"}};
      for (const auto& [rule, kind] : kinds)
        if (d.rule == rule) return {kind, s};
    }
    if (d.rule == "store-past-end" || d.rule == "load-past-end") {
      std::string s;
      if (auto a = registry_.by_colour(location(in.mem), addr)) {
        const uint64_t end = a->base + a->size;
        const char* what = writes_memory(in.op) ? "store" : "load";
        if (addr >= end)
          s = fmt::format("0x{:x} is {} bytes after the end of the allocation ({}-byte {}):\n",
                          addr, addr - end, in.access_size, what);
        else
          s = fmt::format(
              "the {}-byte {} at 0x{:x} runs {} bytes past the end of the allocation:\n",
              in.access_size, what, addr, addr + in.access_size - end);
        s += allocation_text(*a);
      }
      return {"heap-buffer-overflow", s};
    }
    const auto mine = registry_.by_colour(static_cast<uint32_t>(in.rs1), addr);
    std::string kind = "heap-colour-mismatch", s;
    if (mine) {
      if (mine->freed)
        kind = "heap-use-after-free";
      else if (addr >= mine->base + mine->size)
        kind = "heap-buffer-overflow";
      else if (addr < mine->base)
        kind = "heap-buffer-underflow";
      const int64_t before = static_cast<int64_t>(mine->base - addr);
      const int64_t after = static_cast<int64_t>(addr - (mine->base + mine->size));
      if (has_addr && addr < mine->base)
        s += fmt::format("0x{:x} is {} bytes before the pointer's allocation:\n", addr, before);
      else if (has_addr && addr >= mine->base + mine->size)
        s += fmt::format("0x{:x} is {} bytes after the pointer's allocation:\n", addr, after);
      else
        s += fmt::format("0x{:x} is inside the pointer's allocation:\n", addr);
      s += allocation_text(*mine);
    }
    const uint32_t loc = location(in.mem);
    if (loc == kNoColour)
      s += "the word belongs to no allocation (allocator metadata, padding or non-heap memory)\n";
    else if (loc == kFreedColour) {
      s += "the word is freed memory";
      if (auto f = registry_.freed_containing(addr); f && (!mine || f->id != mine->id))
        s += ":\n" + allocation_text(*f);
      else
        s += "\n";
    } else if (auto other = registry_.by_colour(loc, addr);
               other && (!mine || other->id != mine->id)) {
      s += "the word belongs to another allocation:\n" + allocation_text(*other);
    }
    return {kind, s};
  }

 private:
  static constexpr uint32_t kMaxPalette = 1u << 20;
  static constexpr std::array<std::string_view, 7> kBound = {
      "malloc", "free", "calloc", "realloc", "aligned_alloc", "memalign", "posix_memalign"};

  std::optional<Denial> check_free(uint64_t p, uint32_t colour) const {
    const auto live = registry_.live_containing(p);
    // The pointer's own allocation was freed: a double free, also when its memory has been
    // handed out again (then only a pointer of the new block's colour passes: with a bounded
    // palette, a stale pointer that happens to share that colour is missed).
    if (colour != kNoColour && !(live && live->colour == colour))
      if (auto mine = registry_.by_colour(colour, p); mine && mine->freed)
        return Denial{"double-free", "free of a pointer whose allocation was already freed"};
    if (live) {
      if (live->base == p) return std::nullopt;
      return Denial{"free-interior", "free of a pointer into the middle of an allocation"};
    }
    if (registry_.freed_containing(p))
      return Denial{"double-free", "free of a pointer whose allocation was already freed"};
    return Denial{"free-non-heap", "free of a pointer that no allocation function returned"};
  }

  uint32_t allocate(uint64_t p, uint64_t size, uint64_t site, TagAccess& tags, bool keep_values) {
    if (p == 0) return 0;
    const uint32_t colour = registry_.add(p, size, site, tags.hart());
    colour_range(p, size, keep_values ? &colour_keep_values : &colour_fresh, colour, tags);
    tags.set_reg_meta(10, colour);
    return colour;
  }

  // Colours [p, p + size) and marks the bytes past its end in its last word.
  static void colour_range(uint64_t p, uint64_t size, Meta (*f)(Meta, Meta), uint32_t colour,
                           TagAccess& tags) {
    if (size == 0) return;
    tags.update_range(p, size, f, colour);
    if (const unsigned invalid = tail_after(p + size))
      tags.update_range(p + size - 1, 1, &set_tail, invalid);
  }

  void release(uint64_t p, uint64_t site, TagAccess& tags) {
    auto a = registry_.live_containing(p);
    if (!a || a->base != p) return;
    registry_.mark_freed(a->id, site, tags.hart());
    tags.update_range(a->base, a->size, &colour_keep_values, kFreedColour);
  }

  std::string colour_name(uint32_t c) const {
    if (c == kFreedColour) return "freed memory";
    if (registry_.palette() != 0) return fmt::format("colour {}", c);  // names no one allocation
    if (auto a = registry_.by_colour(c, 0))
      return fmt::format("allocation #{} [0x{:x}, +{}){}", a->id, a->base, a->size,
                         a->freed ? " (freed)" : "");
    return fmt::format("colour {}", c);
  }

  std::string allocation_text(const Allocation& a) const {
    std::string s = fmt::format("  allocation #{} [0x{:x}, 0x{:x}) ({} bytes)\n", a.id, a.base,
                                a.base + a.size, a.size);
    s += fmt::format("    allocated by hart {} at {}\n", a.alloc_hart, lines_->where(a.alloc_site));
    if (a.freed)
      s += fmt::format("    freed by hart {} at {}\n", a.free_hart, lines_->where(a.free_site));
    return s;
  }

  AllocationRegistry registry_;
  const SourceLines* lines_ = nullptr;
};

}  // namespace

std::unique_ptr<Policy> make_heap_policy() { return std::make_unique<Heap>(); }

}  // namespace unitag::tags
