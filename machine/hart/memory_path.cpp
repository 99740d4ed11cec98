// The memory path of a hart: translation (identity without paging, Sv39 walks in sv39.cpp) with
// PMP folded in, cached per page (translation.h); the window the execute loop inlines; loads and
// stores outside it; debugger-style peeks and pokes.
#include <algorithm>
#include <cstring>
#include <vector>

#include "machine/bus/guest_memory.h"
#include "machine/hart/hart.h"
#include "machine/machine.h"

namespace unitag {

Hart::FastPathInputs Hart::fast_path_inputs() const {
  FastPathInputs in;
  in.priv = priv;
  in.satp = satp;
  in.mstatus_bits = mstatus & (mstatus::kMprv | mstatus::kMpp | mstatus::kSum | mstatus::kMxr);
  std::copy(std::begin(pmpcfg), std::end(pmpcfg), in.pmpcfg.begin());
  std::copy(std::begin(pmpaddr), std::end(pmpaddr), in.pmpaddr.begin());
  return in;
}

void Hart::update_fast_path() {
  fast_path_inputs_ = fast_path_inputs();
  pmp_locked_ = false;
  for (uint8_t cfg : pmpcfg) pmp_locked_ |= (cfg & 0x80) && (cfg & 0x18);
  const bool sv39 = (satp >> 60) == 8;
  paged_fetch_ = sv39 && priv != Priv::M;
  paged_data_ = sv39 && data_priv() != Priv::M;
  tlb_.flush();
  compute_window();
}

// The window is the largest page-aligned stretch of RAM whose loads and stores PMP allows at the
// data privilege and which a single entry decides (no higher-priority entry overlaps it). In
// M-mode without locked entries that is all of RAM; elsewhere it is usually the region an OS
// grants its user program. Everything outside takes the checked path.
void Hart::compute_window() {
  const Priv p = data_priv();
  // A partitioned hart's private RAM is its whole RAM here; channel memory takes the cached path.
  const uint64_t ram_lo = Bus::kRamBase,
                 ram_hi =
                     Bus::kRamBase + (partition_.partitioned() ? partition_.size : bus_.ram_size());
  uint64_t best_lo = 0, best_hi = 0;
  if (p == Priv::M && !pmp_locked_) {
    // M-mode ignores unlocked entries, except that an access straddling an entry's boundary
    // fails (only part of it matches): keep boundaries out of the window.
    std::vector<uint64_t> cuts = {ram_lo, ram_hi};
    for (unsigned i = 0; i < 16; ++i) {
      uint64_t lo, hi;
      pmp_range(i, lo, hi);
      if (hi <= lo) continue;
      for (uint64_t c : {lo, hi})
        if (c > ram_lo && c < ram_hi) cuts.push_back(c);
    }
    std::sort(cuts.begin(), cuts.end());
    const uint64_t page = 1ull << Bus::kPageBits;
    for (size_t k = 0; k + 1 < cuts.size(); ++k) {
      const uint64_t lo = (cuts[k] + page - 1) & ~(page - 1), hi = cuts[k + 1] & ~(page - 1);
      if (hi > lo && hi - lo > best_hi - best_lo) {
        best_lo = lo;
        best_hi = hi;
      }
    }
  } else if (p != Priv::M && !paged_data_) {  // S and U: PMP treats them alike
    for (unsigned i = 0; i < 16; ++i) {
      uint64_t lo, hi;
      pmp_range(i, lo, hi);
      if (hi <= lo || (pmpcfg[i] & 3) != 3) continue;  // off, or not both R and W
      bool shadowed = false;
      for (unsigned j = 0; j < i && !shadowed; ++j) {
        uint64_t jlo, jhi;
        pmp_range(j, jlo, jhi);
        shadowed = jhi > jlo && jlo < hi && jhi > lo;
      }
      if (shadowed) continue;
      lo = std::max(lo, ram_lo);
      hi = std::min(hi, ram_hi);
      const uint64_t page = 1ull << Bus::kPageBits;
      lo = (lo + page - 1) & ~(page - 1);
      hi &= ~(page - 1);
      if (hi > lo && hi - lo > best_hi - best_lo) {
        best_lo = lo;
        best_hi = hi;
      }
    }
  }
  // Identity translation, but for a partition's private RAM, which sits at phys_base.
  Window& w = tlb_.window;
  w.base = best_hi > best_lo ? best_lo : ram_lo;
  w.limit = best_hi - best_lo > 7 ? best_hi - best_lo - 7 : 0;
  w.paddr = partition_.partitioned() ? w.base - ram_lo + partition_.phys_base : w.base;
  w.host = bus_.ram() + (w.paddr - Bus::kRamBase);
}

// Where a partitioned hart's guest address lives physically: identity outside RAM (devices),
// through the window inside; false for RAM outside the window (another partition's memory).
bool Hart::physical_address(uint64_t addr, uint64_t size, uint64_t& paddr) const {
  paddr = addr;
  if (!partition_.partitioned()) return true;
  if (partition_.map(addr, size, paddr)) return true;
  const bool touches_ram = addr < Bus::kRamBase + bus_.ram_size() && addr + size > Bus::kRamBase;
  return !touches_ram;
}

void Hart::pmp_range(unsigned i, uint64_t& lo, uint64_t& hi) const {
  const unsigned mode = (pmpcfg[i] >> 3) & 3;
  lo = hi = 0;
  if (mode == 1) {  // TOR
    lo = i == 0 ? 0 : pmpaddr[i - 1] << 2;
    hi = pmpaddr[i] << 2;
  } else if (mode == 2) {  // NA4
    lo = pmpaddr[i] << 2;
    hi = lo + 4;
  } else if (mode == 3) {  // NAPOT: trailing ones give the size
    const uint64_t a = pmpaddr[i];
    const unsigned ones = static_cast<unsigned>(__builtin_ctzll(~a | (1ull << 63)));
    if (ones >= 54) {
      lo = 0;
      hi = ~uint64_t{0};
    } else {
      lo = (a & ~((1ull << ones) - 1)) << 2;
      hi = lo + (8ull << ones);
    }
  }
}

bool Hart::pmp_allows(uint64_t addr, unsigned size, Priv effective, char kind) const {
  const uint64_t end = addr + size;
  for (unsigned i = 0; i < 16; ++i) {
    uint64_t lo, hi;
    pmp_range(i, lo, hi);
    if (hi <= lo) continue;
    if (!(addr < hi && end > lo)) continue;
    if (addr < lo || end > hi) return false;  // partial match fails
    const uint8_t cfg = pmpcfg[i];
    if (effective == Priv::M && !(cfg & 0x80)) return true;
    const uint8_t bit = kind == 'r' ? 1 : kind == 'w' ? 2 : 4;
    return cfg & bit;
  }
  return effective == Priv::M;
}

int Hart::uniform_pmp_perms(uint64_t page_base, Priv p) const {
  const uint64_t page_end = page_base + (uint64_t{1} << Bus::kPageBits);
  for (unsigned i = 0; i < 16; ++i) {
    uint64_t lo, hi;
    pmp_range(i, lo, hi);
    if (hi <= lo || !(page_base < hi && page_end > lo)) continue;
    // The first entry overlapping the page decides every access inside it only if it covers the
    // page whole; otherwise accesses are decided by it, by later entries, or fail straddling it.
    if (page_base < lo || page_end > hi) return -1;
    if (p == Priv::M && !(pmpcfg[i] & 0x80)) return kPermRead | kPermWrite | kPermExec;
    return pmpcfg[i] & 7;
  }
  return p == Priv::M ? kPermRead | kPermWrite | kPermExec : 0;
}

bool Hart::fill_translation(uint64_t addr, TranslationCache::Entry& e) {
  const uint64_t page_base = addr & ~((uint64_t{1} << Bus::kPageBits) - 1);
  const int data = uniform_pmp_perms(page_base, data_priv());
  const int fetch = uniform_pmp_perms(page_base, priv);
  if (data < 0 || fetch < 0) return false;
  uint64_t paddr;
  const bool reachable = physical_address(page_base, uint64_t{1} << Bus::kPageBits, paddr);
  e.vpage = page_base >> Bus::kPageBits;
  e.ppage = paddr >> Bus::kPageBits;  // no paging in M and U: identity, or a partition's window
  e.host = reachable && bus_.in_ram(paddr, uint64_t{1} << Bus::kPageBits)
               ? bus_.ram() + (paddr - Bus::kRamBase)
               : nullptr;
  e.data_perms = reachable ? static_cast<uint8_t>(data & (kPermRead | kPermWrite)) : 0;
  e.fetch_perms = reachable ? static_cast<uint8_t>(fetch & kPermExec) : 0;
  tlb_.insert(e);
  return true;
}

bool Hart::translate(uint64_t addr, unsigned size, AccessKind kind, Translation& out) {
  const uint64_t last = addr + (size ? size - 1 : 0);
  const bool paging = paged_data_ || paged_fetch_;
  if (last >= addr && ((addr ^ last) >> Bus::kPageBits) == 0) {
    const TranslationCache::Entry* e = tlb_.find(addr);
    TranslationCache::Entry filled;
    if (e == nullptr && !paging && fill_translation(addr, filled)) e = &filled;
    if (e != nullptr) {
      const uint8_t perms = kind == AccessKind::kFetch ? e->fetch_perms : e->data_perms;
      if (perms & perm_for(kind)) {
        const uint64_t offset = addr & ((uint64_t{1} << Bus::kPageBits) - 1);
        out.paddr = (e->ppage << Bus::kPageBits) + offset;
        out.host = e->host ? e->host + offset : nullptr;
        return true;
      }
      // Paged entries leave out what needs a walk first (a write to a clean page) and, under
      // MPRV, M-mode's unpaged fetches: those take the path below.
      if (!paging) {
        page_fault_ = false;
        return false;
      }
    }
  }
  if (kind == AccessKind::kFetch ? paged_fetch_ : paged_data_)
    return translate_paged(addr, size, kind, out);
  page_fault_ = false;
  // Across a page boundary, or in a page PMP splits: checked exactly, never cached. (A straddling
  // access also fails when two different entries allow its two pages, as PMP requires.)
  const Priv p = kind == AccessKind::kFetch ? priv : data_priv();
  const char c = kind == AccessKind::kRead ? 'r' : kind == AccessKind::kWrite ? 'w' : 'x';
  if (kind == AccessKind::kFetch ? !fetch_ok(addr, size) : !pmp_allows(addr, size, p, c))
    return false;
  if (!physical_address(addr, size, out.paddr)) return false;
  out.host = bus_.in_ram(out.paddr, size) ? bus_.ram() + (out.paddr - Bus::kRamBase) : nullptr;
  return true;
}

bool Hart::locate(uint64_t addr, uint64_t size, Translation& out) const {
  if (!physical_address(addr, size, out.paddr) || !bus_.in_ram(out.paddr, size)) return false;
  out.host = bus_.ram() + (out.paddr - Bus::kRamBase);
  return true;
}

bool Hart::fetch_ok(uint64_t addr, unsigned size) {
  uint64_t paddr;
  if (!physical_address(addr, size, paddr)) return false;
  if (priv == Priv::M && !pmp_locked_) return true;
  return pmp_allows(addr, size, priv, 'x');
}

// Under paging, the two pages a misaligned access straddles need not be adjacent in RAM: such an
// access is made a byte at a time, after both pages are known to allow it.
bool Hart::load(uint64_t addr, unsigned size, uint64_t& value) {
  Translation t;
  if (paged_data_ && size > 1 && ((addr ^ (addr + size - 1)) >> Bus::kPageBits)) [[unlikely]] {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
      uint64_t byte;
      if (!load(addr + i, 1, byte)) return false;
      v |= byte << (8 * i);
    }
    value = v;
    return true;
  }
  if (!translate(addr, size, AccessKind::kRead, t)) {
    raise_trap(fault_cause(AccessKind::kRead), addr);
    return false;
  }
  if (t.host != nullptr) {
    value = 0;
    guest_memory::read(&value, t.host, size);
    if (paged_data_) [[unlikely]]
      window_to_page(addr);
    return true;
  }
  uint64_t offset;
  Device* dev = (t.paddr & (size - 1)) == 0 ? bus_.device_at(t.paddr, size, offset) : nullptr;
  if (dev && dev->read(offset, size, value, id_)) {
    end_block_ = end_block_ || !dev->is_memory();
    return true;
  }
  raise_trap(Cause::kLoadAccessFault, addr);
  return false;
}

bool Hart::store(uint64_t addr, unsigned size, uint64_t value) {
  Translation t;
  if (paged_data_ && size > 1 && ((addr ^ (addr + size - 1)) >> Bus::kPageBits)) [[unlikely]] {
    for (uint64_t a : {addr, addr + size - 1}) {
      if (!translate(a, 1, AccessKind::kWrite, t)) {
        raise_trap(fault_cause(AccessKind::kWrite), a);
        return false;
      }
    }
    for (unsigned i = 0; i < size; ++i)
      if (!store(addr + i, 1, value >> (8 * i))) return false;
    return true;
  }
  if (!translate(addr, size, AccessKind::kWrite, t)) {
    raise_trap(fault_cause(AccessKind::kWrite), addr);
    return false;
  }
  if (t.host != nullptr) {
    guest_memory::write(t.host, &value, size);
    const uint64_t off = t.paddr - Bus::kRamBase;
    if (bus_.is_code_page(off) || bus_.is_code_page(off + size - 1)) invalidate_code(t.paddr, size);
    if (paged_data_) [[unlikely]]
      window_to_page(addr);
    return true;
  }
  uint64_t offset;
  Device* dev = (t.paddr & (size - 1)) == 0 ? bus_.device_at(t.paddr, size, offset) : nullptr;
  if (dev && dev->write(offset, size, value, id_)) {
    end_block_ = end_block_ || !dev->is_memory();
    return true;
  }
  raise_trap(Cause::kStoreAccessFault, addr);
  return false;
}

bool Hart::peek(uint64_t addr, void* out, size_t size) {
  Translation t;
  if (!locate(addr, size, t)) return false;
  guest_memory::read(out, t.host, size);
  return true;
}

bool Hart::poke(uint64_t addr, const void* in, size_t size, HostWriteSource source) {
  Translation t;
  if (!locate(addr, size, t)) return false;
  guest_memory::write(t.host, in, size);
  if (size) invalidate_code(t.paddr, static_cast<unsigned>(size));
  machine_.host_wrote(t.paddr, size, source);
  return true;
}

}  // namespace unitag
