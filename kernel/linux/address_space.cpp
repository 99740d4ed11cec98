// The process's Sv39 address space: a three-level table of kernel-heap pages, the areas the
// program may touch, and copies across it. M-mode sees physical memory directly, so a user page
// is reached through the table, never through translation.
#include <stdlib.h>
#include <string.h>

#include "arch/riscv64/clint.h"
#include "linux/process.h"
#include "unitag/bootinfo.h"
#include "unitag/kernel.h"
#include "unitag/tag_isa.h"

namespace uk::linux_abi {
namespace {

constexpr uint64_t kPteValid = 1, kPteRead = 2, kPteWrite = 4, kPteExec = 8, kPteUser = 16,
                   kPteAccessed = 64, kPteDirty = 128;
// The top of the user half is the stack's; mmap hands out addresses below this, downwards.
constexpr uint64_t kMmapTop = 0x3f00000000ull;
constexpr uint64_t kUserTop = 1ull << 38;

// picolibc's memset and memcpy go a byte at a time (built for size): pages are zeroed and
// aligned copies made a word at a time (the `hello` test: 8.8 M -> 4.8 M instructions). The
// attribute keeps gcc from turning the loops back into those calls.
#define UK_WORD_LOOP __attribute__((optimize("no-tree-loop-distribute-patterns")))

// Pages come from the kernel heap kPagesPerChunk at a time: a 4 KiB-aligned allocation of one
// page costs the heap twice its size (header and alignment slack), which halved the memory a
// program could use. Freed pages wait here for the next mapping.
constexpr unsigned kPagesPerChunk = 16;
struct FreePage {
  FreePage* next;
};
uk_spinlock g_pages_lock;
FreePage* g_free_pages;
uint64_t g_free_page_count;

void* take_page() {
  {
    SpinGuard g(g_pages_lock);
    if (FreePage* f = g_free_pages) {
      g_free_pages = f->next;
      --g_free_page_count;
      return f;
    }
  }
  auto* chunk = static_cast<uint8_t*>(aligned_alloc(kPageSize, kPagesPerChunk * kPageSize));
  if (!chunk) return aligned_alloc(kPageSize, kPageSize);  // the last few pages of the heap
  SpinGuard g(g_pages_lock);
  for (unsigned i = 1; i < kPagesPerChunk; ++i) {
    auto* f = reinterpret_cast<FreePage*>(chunk + i * kPageSize);
    f->next = g_free_pages;
    g_free_pages = f;
  }
  g_free_page_count += kPagesPerChunk - 1;
  return chunk;
}

void give_page(void* page) {
  SpinGuard g(g_pages_lock);
  auto* f = static_cast<FreePage*>(page);
  f->next = g_free_pages;
  g_free_pages = f;
  ++g_free_page_count;
}

UK_WORD_LOOP uint64_t* zeroed_page() {
  auto* p = static_cast<uint64_t*>(take_page());
  if (p)
    for (size_t i = 0; i < kPageSize / 8; ++i) p[i] = 0;
  return p;
}

UK_WORD_LOOP void copy_bytes(uint8_t* to, const uint8_t* from, size_t n) {
  if (((uintptr_t(to) | uintptr_t(from)) & 7) == 0) {
    for (; n >= 8; n -= 8, to += 8, from += 8)
      *reinterpret_cast<uint64_t*>(to) = *reinterpret_cast<const uint64_t*>(from);
  }
  memcpy(to, from, n);
}

uint64_t pte_bits(unsigned prot) {
  uint64_t bits = kPteValid | kPteUser | kPteAccessed | kPteDirty;
  if (prot & Access::kRead) bits |= kPteRead;
  if (prot & Access::kWrite) bits |= kPteRead | kPteWrite;  // W without R is reserved in Sv39
  if (prot & Access::kExec) bits |= kPteExec;
  return bits;
}

uint8_t* page_of(uint64_t pte) { return reinterpret_cast<uint8_t*>((pte >> 10) << 12); }

void flush() { __asm__ volatile("sfence.vma" ::: "memory"); }

// Each hart counts its entries into and returns from U-mode: odd while it runs the program.
uint64_t g_user_epoch[UK_MAX_HARTS];
// Bumped whenever translations are removed or narrowed. A trap does not empty a hart's TLB, so a
// hart entering U-mode with an older generation than the current one flushes first.
uint64_t g_translation_generation;
uint64_t g_hart_generation[UK_MAX_HARTS];

// Another hart running the program may still hold a translation to a page just unmapped or
// narrowed. Before such pages are reused, every hart in U-mode is interrupted and waited for
// until it has left U-mode once; it flushes before it enters again.
void shoot_down_translations() {
  __atomic_add_fetch(&g_translation_generation, 1, __ATOMIC_SEQ_CST);
  const uk_boot_config* config = uk_boot_info();
  const unsigned self = uk_hart_id();
  uint64_t seen[UK_MAX_HARTS];
  for (unsigned h = 0; h < config->hart_count; ++h) {
    seen[h] = __atomic_load_n(&g_user_epoch[h], __ATOMIC_SEQ_CST);
    if (h != self && (seen[h] & 1)) clint::send_ipi(config->hart_ids[h]);
  }
  for (unsigned h = 0; h < config->hart_count; ++h)
    while (h != self && (seen[h] & 1) &&
           __atomic_load_n(&g_user_epoch[h], __ATOMIC_ACQUIRE) == seen[h]) {
    }
}

}  // namespace

uint64_t pooled_page_bytes() {
  SpinGuard g(g_pages_lock);
  return g_free_page_count * kPageSize;
}

void user_mode_transition() {
  const unsigned hart = uk_hart_id();
  const uint64_t epoch = __atomic_add_fetch(&g_user_epoch[hart], 1, __ATOMIC_SEQ_CST);
  if (!(epoch & 1)) return;
  const uint64_t generation = __atomic_load_n(&g_translation_generation, __ATOMIC_SEQ_CST);
  if (generation != g_hart_generation[hart]) {
    g_hart_generation[hart] = generation;
    flush();
  }
}

bool AddressSpace::init() {
  root_ = zeroed_page();
  mmap_next_ = kMmapTop;
  return root_ != nullptr;
}

uint64_t AddressSpace::satp() const {
  return (8ull << 60) | (reinterpret_cast<uint64_t>(root_) >> 12);
}

uint64_t* AddressSpace::leaf(uint64_t va, bool create) {
  uint64_t* table = root_;
  for (int level = 2; level > 0; --level) {
    uint64_t& entry = table[(va >> (12 + 9 * level)) & 511];
    if (!(entry & kPteValid)) {
      if (!create) return nullptr;
      uint64_t* next = zeroed_page();
      if (!next) return nullptr;
      entry = (reinterpret_cast<uint64_t>(next) >> 12) << 10 | kPteValid;
    }
    table = reinterpret_cast<uint64_t*>(page_of(entry));
  }
  return &table[(va >> 12) & 511];
}

const AddressSpace::Area* AddressSpace::area_of(uint64_t va) const {
  for (unsigned i = 0; i < area_count_; ++i)
    if (va >= areas_[i].start && va < areas_[i].end) return &areas_[i];
  return nullptr;
}

bool AddressSpace::covered(uint64_t start, uint64_t end) const {
  SpinGuard g(lock_);
  return covered_locked(start, end);
}

bool AddressSpace::covered_locked(uint64_t start, uint64_t end) const {
  for (uint64_t va = start; va < end;) {
    const Area* a = area_of(va);
    if (!a) return false;
    va = a->end;
  }
  return true;
}

void AddressSpace::split_at(uint64_t va) {
  for (unsigned i = 0; i < area_count_; ++i) {
    Area& a = areas_[i];
    if (va <= a.start || va >= a.end || area_count_ == kMaxAreas) continue;
    areas_[area_count_++] = {va, a.end, a.prot};
    a.end = va;
    return;
  }
}

void AddressSpace::remove_areas(uint64_t start, uint64_t end) {
  split_at(start);
  split_at(end);
  unsigned kept = 0;
  for (unsigned i = 0; i < area_count_; ++i)
    if (areas_[i].start >= end || areas_[i].end <= start) areas_[kept++] = areas_[i];
  area_count_ = kept;
}

bool AddressSpace::map_area(uint64_t start, uint64_t end, unsigned prot) {
  if (start >= end || end > kUserTop) return false;
  SpinGuard g(lock_);
  unmap_locked(start, end);
  if (area_count_ == kMaxAreas) return false;
  areas_[area_count_++] = {start, end, prot};
  return true;
}

void AddressSpace::unmap(uint64_t start, uint64_t end) {
  SpinGuard g(lock_);
  unmap_locked(start, end);
}

void AddressSpace::unmap_locked(uint64_t start, uint64_t end) {
  remove_areas(start, end);
  // In batches: clear the entries, make sure no hart still translates to the pages, free them.
  uint8_t* batch[128];
  unsigned count = 0;
  auto release = [&] {
    flush();
    shoot_down_translations();
    for (unsigned i = 0; i < count; ++i) give_page(batch[i]);
    count = 0;
  };
  for (uint64_t va = start; va < end; va += kPageSize) {
    uint64_t* pte = leaf(va, false);
    if (!pte || !(*pte & kPteValid)) {
      // Skip an absent second-level table's whole 2 MiB at once.
      if (!pte) va = (va | ((1ull << 21) - 1)) + 1 - kPageSize;
      continue;
    }
    batch[count++] = page_of(*pte);
    *pte = 0;
    if (count == sizeof batch / sizeof *batch) release();
  }
  if (count) release();
  flush();
}

bool AddressSpace::protect(uint64_t start, uint64_t end, unsigned prot) {
  SpinGuard g(lock_);
  if (!covered_locked(start, end)) return false;
  split_at(start);
  split_at(end);
  for (unsigned i = 0; i < area_count_; ++i)
    if (areas_[i].start >= start && areas_[i].end <= end) areas_[i].prot = prot;
  for (uint64_t va = start; va < end; va += kPageSize) {
    uint64_t* pte = leaf(va, false);
    if (pte && (*pte & kPteValid)) *pte = (*pte & ~uint64_t{1023}) | pte_bits(prot);
  }
  flush();
  shoot_down_translations();  // a narrowed page must not stay writable on another hart
  return true;
}

uint8_t* AddressSpace::page_for(uint64_t va, unsigned need, bool force) {
  const Area* a = area_of(va);
  if (!a || (!force && (a->prot & need) != need)) return nullptr;
  uint64_t* pte = leaf(va, true);
  if (!pte) return nullptr;
  if (!(*pte & kPteValid)) {
    uint64_t* page = zeroed_page();
    if (!page) return nullptr;
    *pte = (reinterpret_cast<uint64_t>(page) >> 12) << 10 | pte_bits(a->prot);
  }
  return page_of(*pte) + (va & (kPageSize - 1));
}

AddressSpace::Fault AddressSpace::handle_fault(uint64_t va, unsigned need) {
  SpinGuard g(lock_);
  uint64_t* pte = leaf(va, false);
  // Present: either the permissions refuse it, or this hart's cached translation predates
  // another hart's mapping or mprotect (flushed below: retrying suffices).
  if (pte && (*pte & kPteValid)) {
    const uint64_t bits = (need & Access::kRead ? kPteRead : 0) |
                          (need & Access::kWrite ? kPteWrite : 0) |
                          (need & Access::kExec ? kPteExec : 0);
    flush();  // the stale entry is this hart's own
    return (*pte & bits) == bits ? Fault::kMapped : Fault::kRefused;
  }
  const Area* a = area_of(va);
  if (!a || (a->prot & need) != need) return Fault::kRefused;
  return page_for(va, need, false) ? Fault::kMapped : Fault::kNoMemory;
}

void AddressSpace::move_pages(uint64_t old, uint64_t to, uint64_t size) {
  SpinGuard g(lock_);
  for (uint64_t off = 0; off < size; off += kPageSize) {
    uint64_t* from = leaf(old + off, false);
    if (!from || !(*from & kPteValid)) continue;
    uint64_t* dest = leaf(to + off, true);
    if (!dest) continue;
    const Area* a = area_of(to + off);
    *dest = (*from & ~uint64_t{1023}) | pte_bits(a ? a->prot : 0);
    *from = 0;
  }
  flush();
}

uint64_t AddressSpace::place(uint64_t size) {
  SpinGuard g(lock_);
  if (size > mmap_next_ - (1ull << 32)) return 0;
  mmap_next_ -= size;
  return mmap_next_;
}

bool AddressSpace::copy(uint64_t va, void* kernel, size_t n, bool out, unsigned need, bool force) {
  auto* k = static_cast<uint8_t*>(kernel);
  while (n) {
    if (va >= kUserTop) return false;
    uint8_t* p = page_for(va, need, force);
    if (!p) return false;
    const size_t chunk =
        kPageSize - (va & (kPageSize - 1)) < n ? kPageSize - (va & (kPageSize - 1)) : n;
    if (out)
      copy_bytes(p, k, chunk);
    else
      copy_bytes(k, p, chunk);
    va += chunk;
    k += chunk;
    n -= chunk;
  }
  return true;
}

bool AddressSpace::copy_in(void* dst, uint64_t va, size_t n) {
  SpinGuard g(lock_);
  return copy(va, dst, n, false, Access::kRead, false);
}
bool AddressSpace::copy_out(uint64_t va, const void* src, size_t n) {
  SpinGuard g(lock_);
  return copy(va, const_cast<void*>(src), n, true, Access::kWrite, false);
}
bool AddressSpace::write_initial(uint64_t va, const void* src, size_t n) {
  SpinGuard g(lock_);
  return copy(va, const_cast<void*>(src), n, true, 0, true);
}

void AddressSpace::populate_for_tags(uint64_t start, uint64_t end) {
  constexpr uint64_t kColouring = UNITAG_POLICY_HEAP | UNITAG_POLICY_BOUNDS | UNITAG_POLICY_MTE;
  if (!(uk_boot_info()->policies & kColouring)) return;
  SpinGuard g(lock_);
  for (uint64_t page = start & ~(kPageSize - 1); page < end; page += kPageSize) {
    const Area* a = area_of(page);
    if (a && (a->prot & Access::kWrite)) (void)page_for(page, 0, true);
  }
}

void AddressSpace::tag_image_pages(uint64_t va, size_t n) {
  if (uk_boot_info()->policies == 0 || n == 0) return;  // no engine: tag.image is not needed
  SpinGuard g(lock_);
  for (uint64_t page = va & ~(kPageSize - 1); page < va + n; page += kPageSize)
    if (const uint8_t* p = page_for(page, 0, true)) unitag_tag_image(page, p);
}

bool AddressSpace::copy_string_in(char* dst, uint64_t va, size_t max) {
  SpinGuard g(lock_);
  for (size_t i = 0; i < max; ++i) {
    const uint8_t* p = page_for(va + i, Access::kRead, false);
    if (!p) return false;
    dst[i] = char(*p);
    if (!dst[i]) return true;
  }
  return false;
}

}  // namespace uk::linux_abi
