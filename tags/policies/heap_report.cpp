// The heap policy in words: its metadata for traces and the monitor, and what a report says
// about a denial (which allocation the pointer and the word belong to, who allocated and freed
// them, and how far outside the allocation the access fell).
#include <fmt/format.h>

#include "tags/policies/heap.h"

namespace unitag::tags::heap {

std::string Heap::describe(Meta m, Site site) const {
  switch (site) {
    case Site::kPc:
      return "-";
    case Site::kInstruction:
      return m & kAuthority ? "allocator authority" : m & kSubtracts ? "subtracts" : "-";
    case Site::kRegister:
      if (minus(m) == kNoColour) return m ? "pointer to " + colour_name(plus(m)) : "-";
      return (plus(m) ? "pointer to " + colour_name(plus(m)) + " " : std::string()) +
             "minus a pointer to " + colour_name(minus(m));
    case Site::kMemory: {
      if (m == 0) return "-";
      std::string s = "word of " + colour_name(location(m));
      if (tail(m)) s += fmt::format(", its last {} bytes past the allocation's end", tail(m));
      if (value(m) & kMinus)
        s += ", holds minus a pointer to " + colour_name(value(m) & ~kMinus);
      else if (value(m))
        s += ", holds a pointer to " + colour_name(value(m));
      return s;
    }
  }
  return "-";
}

Explanation Heap::explain(const Denial& d, const RuleInputs& in, bool has_addr,
                          uint64_t addr) const {
  if (&d == &kTagAuthority) return {{}, "application code tried to colour or free memory tags"};
  if (&d == &kDoubleFree || &d == &kFreeInterior || &d == &kFreeNonHeap) {
    std::string s = fmt::format("free(0x{:x})\n", addr);
    if (auto a = registry_.by_colour(pointee(in.rs1), addr))
      s += allocation_text(*a);
    else if (auto live = registry_.live_containing(addr, report_space_))
      s += allocation_text(*live);
    else if (auto freed = registry_.freed_containing(addr, report_space_))
      s += allocation_text(*freed);
    return {{}, s};
  }
  if (&d == &kStorePastEnd || &d == &kLoadPastEnd) return {{}, overflow_text(in, addr)};
  return colour_mismatch(in, has_addr, addr);
}

// An access reaching the bytes past an allocation's end in its last word.
std::string Heap::overflow_text(const RuleInputs& in, uint64_t addr) const {
  const auto a = registry_.by_colour(location(in.mem), addr);
  if (!a) return {};
  const uint64_t end = a->base + a->size;
  const char* what = writes_memory(in.op) ? "store" : "load";
  std::string s =
      addr >= end
          ? fmt::format("0x{:x} is {} bytes after the end of the allocation ({}-byte {}):\n", addr,
                        addr - end, in.access_size, what)
          : fmt::format("the {}-byte {} at 0x{:x} runs {} bytes past the end of the allocation:\n",
                        in.access_size, what, addr, addr + in.access_size - end);
  return s + allocation_text(*a);
}

// The pointer's colour differs from the word's: the pointer's allocation says what went wrong
// (freed: a use after free; the address outside it: an overflow or underflow).
Explanation Heap::colour_mismatch(const RuleInputs& in, bool has_addr, uint64_t addr) const {
  const auto mine = registry_.by_colour(pointee(in.rs1), addr);
  std::string kind, s;
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
    if (auto f = registry_.freed_containing(addr, report_space_); f && (!mine || f->id != mine->id))
      s += ":\n" + allocation_text(*f);
    else
      s += "\n";
  } else if (auto other = registry_.by_colour(loc, addr);
             other && (!mine || other->id != mine->id)) {
    // A Linux program's pages come from the library OS's heap, in blocks the kernel allocated:
    // its malloc's metadata and unused memory still carry the kernel block's colour.
    if (facts_->program() != nullptr && mine && facts_->in_program(mine->alloc_site) &&
        !facts_->in_program(other->alloc_site))
      s += "the word is not in any of the program's allocations (its malloc's metadata or free "
           "memory)\n";
    else
      s += "the word belongs to another allocation:\n" + allocation_text(*other);
  }
  return {kind, s};
}

std::string Heap::colour_name(uint32_t c) const {
  if (c == kFreedColour) return "freed memory";
  if (registry_.palette() != 0) return fmt::format("colour {}", c);  // names no one allocation
  if (auto a = registry_.by_colour(c, 0))
    return fmt::format("allocation #{} [0x{:x}, +{}){}", a->id, a->base, a->size,
                       a->freed ? " (freed)" : "");
  return fmt::format("colour {}", c);
}

std::string Heap::allocation_text(const Allocation& a) const {
  std::string s = fmt::format("  allocation #{} [0x{:x}, 0x{:x}) ({} bytes)\n", a.id, a.base,
                              a.base + a.size, a.size);
  s += fmt::format("    allocated by hart {} at {}\n", a.alloc_hart, lines_->where(a.alloc_site));
  if (a.freed)
    s += fmt::format("    freed by hart {} at {}\n", a.free_hart, lines_->where(a.free_site));
  return s;
}

}  // namespace unitag::tags::heap
