// Sv39 page-table walks (privileged spec 4.4): the three-level walk from satp, the leaf's
// permission check for a privilege (U, SUM, MXR), and hardware-managed A/D bits set atomically,
// as QEMU does. The hart's memory path (translate_paged in sv39.cpp) caches what a walk finds.
#pragma once

#include <cstdint>

#include "machine/bus/bus.h"
#include "machine/hart/csr.h"
#include "machine/hart/translation.h"

namespace unitag {

class Hart;

namespace sv39 {

inline constexpr uint64_t kPteV = 1, kPteR = 2, kPteW = 4, kPteX = 8, kPteU = 16, kPteA = 64,
                          kPteD = 128;

struct Walk {
  enum class Outcome : uint8_t { kOk, kPageFault, kAccessFault };
  Outcome outcome = Outcome::kPageFault;
  uint64_t pte = 0;         // the leaf, with the A/D bits this walk set
  unsigned level = 0;       // 0: 4 KiB page, 1: 2 MiB megapage, 2: 1 GiB gigapage
  uint64_t page_paddr = 0;  // physical address of the 4 KiB page holding the address
  uint64_t pte_addr = 0;    // physical address of the leaf
  bool wrote_pte = false;   // the walk set A or D (a store to RAM the caller may need to observe)
};

// Walks hart's page tables for an access of `kind` at vaddr made at privilege p (S or U).
// With update_ad, a permitted access sets A (and D for a write) in the leaf; without, the walk
// has no side effects (a checker's look-ahead).
Walk walk(const Hart& hart, Bus& bus, uint64_t vaddr, AccessKind kind, Priv p, bool update_ad);

// What the leaf allows at privilege p (kPermRead/Write/Exec), given SUM and MXR. Write needs D
// already set: a write to a clean page must walk, to set it.
uint8_t leaf_perms(uint64_t pte, Priv p, uint64_t mstatus);

}  // namespace sv39
}  // namespace unitag
