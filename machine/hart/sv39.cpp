// Sv39 paging: the page walker and the hart's paged memory path (translate_paged), which walks,
// checks PMP on the page tables and on the result, and fills the translation cache.
#include "machine/hart/sv39.h"

#include <atomic>
#include <cstring>

#include "machine/hart/hart.h"

namespace unitag::sv39 {
namespace {

constexpr unsigned kLevels = 3, kVpnBits = 9, kPteShift = 10;
constexpr uint64_t kPpnMask = (uint64_t{1} << 44) - 1;
constexpr uint64_t kReservedHigh = ~uint64_t{0} << 54;  // PBMT, N and reserved bits: no extension
constexpr uint64_t kPageMask = (uint64_t{1} << Bus::kPageBits) - 1;

}  // namespace

uint8_t leaf_perms(uint64_t pte, Priv p, uint64_t mstatus) {
  const bool user_page = pte & kPteU;
  if (p == Priv::U && !user_page) return 0;
  uint8_t perms = 0;
  if ((pte & kPteR) || ((mstatus & mstatus::kMxr) && (pte & kPteX))) perms |= kPermRead;
  if ((pte & kPteW) && (pte & kPteD)) perms |= kPermWrite;
  if (pte & kPteX) perms |= kPermExec;
  if (p == Priv::S && user_page) {
    perms &= ~kPermExec;  // S never executes user pages
    if (!(mstatus & mstatus::kSum)) perms = 0;
  }
  return perms;
}

Walk walk(const Hart& hart, Bus& bus, uint64_t vaddr, AccessKind kind, Priv p, bool update_ad) {
  Walk w;
  // Bits 63:39 must all equal bit 38.
  if (static_cast<uint64_t>(static_cast<int64_t>(vaddr << 25) >> 25) != vaddr) return w;
  for (;;) {  // again when another hart changed the leaf under our A/D update
    uint64_t table = (hart.satp & kPpnMask) << Bus::kPageBits;
    int level = kLevels - 1;
    uint64_t pte = 0, pte_addr = 0;
    for (;; --level) {
      const uint64_t vpn = (vaddr >> (Bus::kPageBits + kVpnBits * level)) & 0x1ff;
      pte_addr = table + vpn * 8;
      if (!bus.in_ram(pte_addr, 8) || !hart.pmp_allows(pte_addr, 8, Priv::S, 'r')) {
        w.outcome = Walk::Outcome::kAccessFault;
        return w;
      }
      uint8_t* host = bus.ram() + (pte_addr - Bus::kRamBase);
      pte = std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(host)).load();
      if (!(pte & kPteV) || (!(pte & kPteR) && (pte & kPteW)) || (pte & kReservedHigh)) return w;
      if (pte & (kPteR | kPteX)) break;  // a leaf
      if (level == 0) return w;
      table = ((pte >> kPteShift) & kPpnMask) << Bus::kPageBits;
    }
    const uint64_t ppn = (pte >> kPteShift) & kPpnMask;
    const uint64_t low_ppn_mask = (uint64_t{1} << (kVpnBits * level)) - 1;
    if (ppn & low_ppn_mask) return w;  // a misaligned superpage
    // D counts as set for the check: the update below sets it for this write.
    const uint8_t perms = leaf_perms(pte | kPteD, p, hart.mstatus);
    if (!(perms & perm_for(kind))) return w;
    const uint64_t wanted = kPteA | (kind == AccessKind::kWrite ? kPteD : 0);
    if (update_ad && (pte & wanted) != wanted) {
      uint8_t* host = bus.ram() + (pte_addr - Bus::kRamBase);
      if (!hart.pmp_allows(pte_addr, 8, Priv::S, 'w')) {
        w.outcome = Walk::Outcome::kAccessFault;
        return w;
      }
      uint64_t expected = pte;
      if (!std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(host))
               .compare_exchange_strong(expected, pte | wanted))
        continue;
      pte |= wanted;
      w.wrote_pte = true;
    }
    w.outcome = Walk::Outcome::kOk;
    w.pte = pte;
    w.level = static_cast<unsigned>(level);
    w.pte_addr = pte_addr;
    const uint64_t vpn_low = (vaddr >> Bus::kPageBits) & low_ppn_mask;
    w.page_paddr = (ppn | vpn_low) << Bus::kPageBits;
    return w;
  }
}

}  // namespace unitag::sv39

namespace unitag {

uint64_t Hart::fault_cause(AccessKind kind) const {
  if (kind == AccessKind::kFetch)
    return page_fault_ ? Cause::kInsnPageFault : Cause::kInsnAccessFault;
  if (kind == AccessKind::kRead)
    return page_fault_ ? Cause::kLoadPageFault : Cause::kLoadAccessFault;
  return page_fault_ ? Cause::kStorePageFault : Cause::kStoreAccessFault;
}

void Hart::sfence_vma(bool all, uint64_t vaddr) {
  // Entries are not tagged with an ASID, so a flush by ASID drops them all.
  if (all)
    tlb_.flush();
  else
    tlb_.flush_leaf(vaddr);
  compute_window();  // the window page may be the one dropped
}

void Hart::window_to_page(uint64_t vaddr) {
  const TranslationCache::Entry* e = tlb_.find(vaddr);
  constexpr uint8_t kBoth = kPermRead | kPermWrite;
  if (e == nullptr || e->host == nullptr || (e->data_perms & kBoth) != kBoth) return;
  Window& w = tlb_.window;
  w.base = e->vpage << Bus::kPageBits;
  w.limit = (uint64_t{1} << Bus::kPageBits) - 7;
  w.paddr = e->ppage << Bus::kPageBits;
  w.host = e->host;
}

bool Hart::fetch_location(uint64_t pc, Translation& out) {
  page_fault_ = false;
  if (!paged_fetch_) return locate(pc, 2, out);
  return translate(pc, 2, AccessKind::kFetch, out) && out.host != nullptr;
}

bool Hart::translate_paged(uint64_t addr, unsigned size, AccessKind kind, Translation& out) {
  page_fault_ = false;
  const uint64_t last = addr + (size ? size - 1 : 0);
  if (((addr ^ last) >> Bus::kPageBits) != 0) {
    // Across a page boundary (not loads and stores: they split such accesses): both pages must
    // translate, and to adjacent physical pages.
    Translation second;
    if (!translate_paged(addr, 1, kind, out) || !translate_paged(last, 1, kind, second))
      return false;
    if (second.paddr - out.paddr != last - addr) return false;
    out.host = bus_.in_ram(out.paddr, size) ? bus_.ram() + (out.paddr - Bus::kRamBase) : nullptr;
    return true;
  }
  const Priv p = kind == AccessKind::kFetch ? priv : data_priv();
  const sv39::Walk w = sv39::walk(*this, bus_, addr, kind, p, /*update_ad=*/true);
  if (w.outcome != sv39::Walk::Outcome::kOk) {
    page_fault_ = w.outcome == sv39::Walk::Outcome::kPageFault;
    return false;
  }
  if (w.wrote_pte && bus_.is_code_page(w.pte_addr - Bus::kRamBase)) invalidate_code(w.pte_addr, 8);
  const uint64_t offset = addr & ((uint64_t{1} << Bus::kPageBits) - 1);
  const uint64_t paddr = w.page_paddr + offset;
  const char c = kind == AccessKind::kRead ? 'r' : kind == AccessKind::kWrite ? 'w' : 'x';
  if (!pmp_allows(paddr, size, p, c)) return false;
  out.paddr = paddr;
  out.host = bus_.in_ram(paddr, size) ? bus_.ram() + (paddr - Bus::kRamBase) : nullptr;

  // Cache the page when one PMP entry (or none) decides it whole.
  const int pmp_data = uniform_pmp_perms(w.page_paddr, data_priv());
  const int pmp_fetch = uniform_pmp_perms(w.page_paddr, priv);
  if (pmp_data < 0 || pmp_fetch < 0) return true;
  TranslationCache::Entry e;
  e.vpage = addr >> Bus::kPageBits;
  e.ppage = w.page_paddr >> Bus::kPageBits;
  e.host = bus_.in_ram(w.page_paddr, uint64_t{1} << Bus::kPageBits)
               ? bus_.ram() + (w.page_paddr - Bus::kRamBase)
               : nullptr;
  e.data_perms = paged_data_ ? sv39::leaf_perms(w.pte, data_priv(), mstatus) & pmp_data &
                                   (kPermRead | kPermWrite)
                             : 0;
  e.fetch_perms = paged_fetch_ ? sv39::leaf_perms(w.pte, priv, mstatus) & pmp_fetch & kPermExec : 0;
  e.leaf_level = static_cast<uint8_t>(w.level);
  tlb_.insert(e);
  return true;
}

uint64_t Hart::paged_address_for_checker(uint64_t vaddr) const {
  uint64_t paddr = vaddr;
  paged_address_for_checker(vaddr, &paddr);
  return paddr;
}

bool Hart::paged_address_for_checker(uint64_t vaddr, uint64_t* paddr) const {
  const uint64_t offset = vaddr & ((uint64_t{1} << Bus::kPageBits) - 1);
  if (const TranslationCache::Entry* e = tlb_.find(vaddr)) {
    if (paddr) *paddr = (e->ppage << Bus::kPageBits) + offset;
    return true;
  }
  const sv39::Walk w = sv39::walk(*this, bus_, vaddr, AccessKind::kRead, data_priv(), false);
  if (w.outcome != sv39::Walk::Outcome::kOk) return false;
  if (paddr) *paddr = w.page_paddr + offset;
  return true;
}

}  // namespace unitag
