// The heap policy's record of allocations: [base, size), its colour, who allocated and freed it,
// and the choice of a new allocation's colour. Unbounded colours (the default) are never
// reused, so a dangling pointer's colour still names its (freed) allocation. With a bounded
// palette (as hardware with few tag bits has) colours are reused, never by two live allocations
// next to each other, and a colour names an allocation only together with an address.
// Shared by all harts (locked).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace unitag::tags {

inline constexpr uint32_t kNoColour = 0, kFreedColour = 1, kFirstColour = 2;

struct Allocation {
  // 2, 3, ... in allocation order (reports: "allocation #id"); equal to the colour when colours
  // are unbounded.
  uint32_t id = 0;
  uint32_t colour = 0;
  uint64_t base = 0, size = 0;
  uint64_t alloc_site = 0, free_site = 0;
  unsigned alloc_hart = 0, free_hart = 0;
  bool freed = false;
  uint64_t space = 0;  // TagAccess::address_space of the allocating process (0: the only one)
};

class AllocationRegistry {
 public:
  // palette 0: a fresh colour per allocation; else colours cycle through `palette` values.
  void set_palette(uint32_t palette) { palette_ = palette; }
  uint32_t palette() const { return palette_; }
  // Records an allocation in address space `space` and returns its colour.
  uint32_t add(uint64_t base, uint64_t size, uint64_t site, unsigned hart, uint64_t space = 0);
  // The allocation a pointer of `colour` into (or near) `addr` belongs to: with unbounded
  // colours the one with that colour; with a palette the one of that colour containing addr,
  // else the live one of that colour nearest to it, else the last freed one of that colour.
  std::optional<Allocation> by_colour(uint32_t colour, uint64_t addr) const;
  // The live allocation of address space `space` containing addr (a zero-size one contains only
  // its base).
  std::optional<Allocation> live_containing(uint64_t addr, uint64_t space = 0) const;
  // The most recently freed allocation of `space` containing addr.
  std::optional<Allocation> freed_containing(uint64_t addr, uint64_t space = 0) const;
  void mark_freed(uint32_t id, uint64_t site, unsigned hart);

 private:
  uint32_t choose_colour(uint64_t base, uint64_t space);  // with mu_ held
  mutable std::mutex mu_;
  uint32_t palette_ = 0;
  uint32_t next_ = 0;            // palette: the next colour to try, 0-based
  std::vector<Allocation> all_;  // index = id - kFirstColour
  std::map<std::pair<uint64_t, uint64_t>, uint32_t> live_by_base_;  // (space, base) -> id
};

}  // namespace unitag::tags
