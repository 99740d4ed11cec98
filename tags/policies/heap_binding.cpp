// The heap policy's allocator binding: what picolibc's malloc family (bound by symbol) and a
// tag-aware allocator's tag instructions do to colours, and what a host write leaves of them.
// The rule (heap.cpp) only checks accesses against the colours set here.
#include <algorithm>

#include "tags/policies/heap.h"
#include "tags/policies/pointer_tags.h"

namespace unitag::tags::heap {
namespace {

constexpr unsigned kA0 = 10;

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
// Freeing: only the words still of the block's colour. realloc's release of the old block comes
// at its return, and the allocator may have handed that block to another thread's malloc, which
// coloured it, before then (the words are the new block's then).
Meta free_if_still(Meta old, Meta colour) {
  return location(old) == colour ? word(kFreedColour, value(old)) : old;
}

// Colours [p, p + size) and marks the bytes past its end in its last word.
void colour_range(uint64_t p, uint64_t size, Meta (*f)(Meta, Meta), uint32_t colour,
                  TagAccess& tags) {
  if (size == 0) return;
  tags.update_range(p, size, f, colour);
  if (const unsigned invalid = tail_after(p + size))
    tags.update_range(p + size - 1, 1, &set_tail, invalid);
}

}  // namespace

std::vector<std::string> Heap::bound_functions(const ImageFacts& facts) const {
  return standard_allocator_bindings(facts);
}

EventSet Heap::events() const {
  return EventSet::of<BoundCallEntry, BoundCallReturn, TagInstruction, HostWrite>();
}

const Denial* Heap::on_event(const Event& e, TagAccess& tags) {
  if (const auto* entry = std::get_if<BoundCallEntry>(&e)) {
    const BoundCall& call = entry->call;
    if (called_by_allocator(*facts_, call)) return nullptr;
    if ((call.function == "free" || call.function == "realloc") && call.args[0] != 0)
      if (const Denial* d = check_free(call.args[0], pointee(call.arg_meta[0]), tags)) return d;
    // A free ends its block here, before the allocator runs: once it does, another thread's
    // malloc may get the block back, and a release at free's return (which can come late: a
    // free preempted or parked at a system call) could no longer tell the two blocks apart
    // when the pointer's colour was lost.
    if (call.function == "free" && call.args[0] != 0)
      release(call.args[0], pointee(call.arg_meta[0]), call.call_site, tags);
  } else if (const auto* ret = std::get_if<BoundCallReturn>(&e)) {
    if (!called_by_allocator(*facts_, ret->call)) allocator_returned(ret->call, tags);
  } else if (const auto* t = std::get_if<TagInstruction>(&e)) {
    return tag_instruction(*t, tags);
  } else if (const auto* w = std::get_if<HostWrite>(&e)) {
    // Bytes from the host are data, not a pointer: the words keep their allocation (the host
    // filled a buffer the program owns) but no longer hold a pointer's colour.
    tags.update_range(w->addr, w->size, &set_value, kNoColour);
  }
  return nullptr;
}

void Heap::allocator_returned(const BoundCall& call, TagAccess& tags) {
  const auto& a = call.args;
  const uint64_t site = call.call_site, result = call.result;
  if (call.function == "malloc")
    allocate(result, a[0], site, tags, false);
  else if (call.function == "calloc")
    allocate(result, a[0] * a[1], site, tags, false);
  else if (call.function == "aligned_alloc" || call.function == "memalign")
    allocate(result, a[1], site, tags, false);
  else if (call.function == "realloc") {
    const auto old = a[0] ? registry_.live_containing(a[0], tags.address_space()) : std::nullopt;
    if (result != 0 && old && result != a[0])  // the block moved: so do its stored pointers
      tags.copy_values(old->base, result, std::min(old->size, a[1]), &take_value);
    if (a[0] != 0 && (result != 0 || a[1] == 0))
      release(a[0], pointee(call.arg_meta[0]), site, tags);
    allocate(result, a[1], site, tags, true);
  } else if (call.function == "posix_memalign" && result == 0) {
    uint64_t p = 0;
    if (tags.read_u64(a[0], p) && p) {
      const uint32_t colour = allocate(p, a[2], site, tags, false);
      tags.update_range(a[0], 8, &set_value, colour);
      tags.set_reg_meta(kA0, 0);
    }
  }
}

const Denial* Heap::tag_instruction(const TagInstruction& t, TagAccess& tags) {
  // Narrowing keeps the pointer's colour; the types family is not the heap's.
  if (t.op != OpGroup::kTagAlloc && t.op != OpGroup::kTagFree) return nullptr;
  if (t.op == OpGroup::kTagAlloc) {
    const uint32_t colour =
        registry_.add(t.rs1, t.rs2, tags.pc(), tags.hart(), tags.address_space());
    colour_range(t.rs1, t.rs2, &colour_fresh, colour, tags);
    tags.set_reg_meta(t.rd, colour);
    return nullptr;
  }
  if (const Denial* d = check_free(t.rs1, pointee(tags.reg_meta(0)), tags)) return d;
  release(t.rs1, pointee(tags.reg_meta(0)), tags.pc(), tags);
  return nullptr;
}

const Denial* Heap::check_free(uint64_t p, uint32_t colour, const TagAccess& tags) {
  const uint64_t space = tags.address_space();
  report_space_ = space;
  const auto live = registry_.live_containing(p, space);
  // The pointer's own allocation was freed: a double free, also when its memory has been
  // handed out again (then only a pointer of the new block's colour passes: with a bounded
  // palette, a stale pointer that happens to share that colour is missed).
  if (colour != kNoColour && !(live && live->colour == colour))
    if (auto mine = registry_.by_colour(colour, p); mine && mine->freed) return &kDoubleFree;
  if (live) return live->base == p ? nullptr : &kFreeInterior;
  if (registry_.freed_containing(p, space)) return &kDoubleFree;
  return &kFreeNonHeap;
}

uint32_t Heap::allocate(uint64_t p, uint64_t size, uint64_t site, TagAccess& tags,
                        bool keep_values) {
  if (p == 0) return 0;
  const uint32_t colour = registry_.add(p, size, site, tags.hart(), tags.address_space());
  colour_range(p, size, keep_values ? &colour_keep_values : &colour_fresh, colour, tags);
  tags.set_reg_meta(kA0, colour);
  return colour;
}

void Heap::release(uint64_t p, uint32_t colour, uint64_t site, TagAccess& tags) {
  auto a = registry_.live_containing(p, tags.address_space());
  if (a && a->base == p && colour != kNoColour && a->colour != colour) {
    // Another thread's malloc got the block back while this free was still running (parked at
    // a system call or preempted inside glibc): the words are the new block's now. Only the
    // pointer's own allocation ends.
    if (auto mine = registry_.by_colour(colour, p); mine && !mine->freed && mine->base == p)
      registry_.mark_freed(mine->id, site, tags.hart());
    return;
  }
  if (!a || a->base != p) return;
  registry_.mark_freed(a->id, site, tags.hart());
  tags.update_range(a->base, a->size, &free_if_still, a->colour);
}

bool Heap::repair(const Denial& d, const RuleInputs& in, uint64_t addr, TagAccess& tags) {
  report_space_ = tags.address_space();
  if (&d != &kLoadColour && &d != &kStoreColour) return false;
  const uint32_t colour = pointee(in.rs1);
  if (colour == kNoColour || location(in.mem) == colour) return false;
  // The pointer's own live allocation holds the word: its colour never landed there (the page
  // was not mapped when malloc returned, or the OS gave it a fresh page since).
  const auto a = registry_.by_colour(colour, addr);
  if (!a || a->freed || a->space != tags.address_space() || addr < a->base ||
      addr >= a->base + a->size)
    return false;
  constexpr uint64_t kPage = uint64_t{1} << 12;
  const uint64_t page = addr & ~(kPage - 1);
  const uint64_t from = std::max(a->base, page), to = std::min(a->base + a->size, page + kPage);
  colour_range(from, to - from, &colour_keep_values, colour, tags);
  return true;
}

}  // namespace unitag::tags::heap
