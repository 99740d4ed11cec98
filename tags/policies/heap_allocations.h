// The heap policy's record of allocations: colour -> [base, size), who allocated and freed it.
// Colours are never reused, so a dangling pointer's colour still names its (freed) allocation.
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
  uint32_t colour = 0;
  uint64_t base = 0, size = 0;
  uint64_t alloc_site = 0, free_site = 0;
  unsigned alloc_hart = 0, free_hart = 0;
  bool freed = false;
};

class AllocationRegistry {
 public:
  uint32_t add(uint64_t base, uint64_t size, uint64_t site, unsigned hart);
  std::optional<Allocation> by_colour(uint32_t colour) const;
  // The live allocation containing addr (a zero-size one contains only its base).
  std::optional<Allocation> live_containing(uint64_t addr) const;
  // The most recently freed allocation containing addr.
  std::optional<Allocation> freed_containing(uint64_t addr) const;
  void mark_freed(uint32_t colour, uint64_t site, unsigned hart);

 private:
  mutable std::mutex mu_;
  std::vector<Allocation> all_;                // index = colour - kFirstColour
  std::map<uint64_t, uint32_t> live_by_base_;  // base -> colour
};

}  // namespace unitag::tags
