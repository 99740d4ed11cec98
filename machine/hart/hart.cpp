#include "machine/hart/hart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "abi/unitag/trap_causes.h"
#include "machine/isa/decoder.h"
#include "machine/machine.h"

namespace unitag {

Hart::Hart(Machine& machine, Bus& bus, unsigned id, bool fp)
    : machine_(machine), bus_(bus), id_(id), fp_(fp) {
  pages_.resize((bus.ram_size() >> Bus::kPageBits) + 1);
  publish_labels();  // a zero budget only publishes the loop's labels into labels_
  if (fp_) mstatus |= mstatus::kFsInitial << mstatus::kFsShift;
  update_fast_path();
}

DecodedPage* Hart::decoded_page(uint64_t pc) {
  if (!bus_.in_ram(pc, 2)) return nullptr;
  auto& slot = pages_[(pc - Bus::kRamBase) >> Bus::kPageBits];
  if (!slot) slot = std::make_unique<DecodedPage>(labels_);
  return slot.get();
}

bool Hart::fill_slot(uint64_t pc, DecodedInsn& slot) {
  uint16_t low;
  std::memcpy(&low, bus_.ram() + (pc - Bus::kRamBase), 2);
  uint32_t bits = low;
  if (insn_length(low) == 4) {
    if (!bus_.in_ram(pc + 2, 2) || !fetch_ok(pc + 2, 2)) {
      raise_trap(Cause::kInsnAccessFault, pc);
      return false;
    }
    uint16_t high;
    std::memcpy(&high, bus_.ram() + (pc + 2 - Bus::kRamBase), 2);
    bits |= uint32_t{high} << 16;
    bus_.mark_code_page(pc + 2 - Bus::kRamBase);
  }
  bus_.mark_code_page(pc - Bus::kRamBase);
  slot = decode(bits, DecodeOptions{.fp = fp_});
  slot.handler = handler_in(labels_, slot);
  ++stats.decoded;
  if (hooks_) hooks_->on_decode(*this, slot, pc);
  return true;
}

void Hart::use_labels(const void* const* labels) {
  labels_ = labels;
  for (auto& p : pages_)
    if (p)
      for (DecodedInsn& s : p->slots) s.handler = handler_in(labels, s);
}

void Hart::flush_decode_cache() {
  for (auto& p : pages_)
    if (p)
      for (unsigned i = 0; i < DecodedPage::kSlots; ++i) mark_undecoded(p->slots[i]);
}

// A store may overlap an instruction starting up to 2 bytes before it (a 4-byte instruction at
// 2-byte alignment), so those slots are invalidated too. Other harts keep their decodes until
// they execute fence.i, as the specification requires of software.
void Hart::invalidate_code(uint64_t addr, unsigned size) {
  ++stats.code_invalidations;
  for (uint64_t a = (addr & ~uint64_t{1}) - 2; a < addr + size; a += 2) {
    if (!bus_.in_ram(a, 2)) continue;
    auto& page = pages_[(a - Bus::kRamBase) >> Bus::kPageBits];
    if (page) mark_undecoded(page->slots[(a & ((1u << Bus::kPageBits) - 1)) >> 1]);
  }
}

// The window is the largest page-aligned stretch of RAM whose loads and stores PMP allows at the
// data privilege and which a single entry decides (no higher-priority entry overlaps it). In
// M-mode without locked entries that is all of RAM; elsewhere it is usually the region an OS
// grants its user program. Everything outside takes the checked path.
void Hart::update_fast_path() {
  pmp_locked_ = false;
  for (uint8_t cfg : pmpcfg) pmp_locked_ |= (cfg & 0x80) && (cfg & 0x18);
  const Priv p = data_priv();
  const uint64_t ram_lo = Bus::kRamBase, ram_hi = Bus::kRamBase + bus_.ram_size();
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
  } else if (p == Priv::U) {
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
  fast_base_ = best_hi > best_lo ? best_lo : ram_lo;
  fast_limit_ = best_hi - best_lo > 7 ? best_hi - best_lo - 7 : 0;
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

bool Hart::fetch_ok(uint64_t addr, unsigned size) {
  if (priv == Priv::M && !pmp_locked_) return true;
  return pmp_allows(addr, size, priv, 'x');
}

bool Hart::load(uint64_t addr, unsigned size, uint64_t& value) {
  if (!pmp_allows(addr, size, data_priv(), 'r')) {
    raise_trap(Cause::kLoadAccessFault, addr);
    return false;
  }
  if (bus_.in_ram(addr, size)) {
    value = 0;
    std::memcpy(&value, bus_.ram() + (addr - Bus::kRamBase), size);
    return true;
  }
  uint64_t offset;
  Device* dev = (addr & (size - 1)) == 0 ? bus_.device_at(addr, size, offset) : nullptr;
  if (dev && dev->read(offset, size, value, id_)) {
    end_block_ = true;
    return true;
  }
  raise_trap(Cause::kLoadAccessFault, addr);
  return false;
}

bool Hart::store(uint64_t addr, unsigned size, uint64_t value) {
  if (!pmp_allows(addr, size, data_priv(), 'w')) {
    raise_trap(Cause::kStoreAccessFault, addr);
    return false;
  }
  if (bus_.in_ram(addr, size)) {
    std::memcpy(bus_.ram() + (addr - Bus::kRamBase), &value, size);
    const uint64_t off = addr - Bus::kRamBase;
    if (bus_.is_code_page(off) || bus_.is_code_page(off + size - 1)) invalidate_code(addr, size);
    return true;
  }
  uint64_t offset;
  Device* dev = (addr & (size - 1)) == 0 ? bus_.device_at(addr, size, offset) : nullptr;
  if (dev && dev->write(offset, size, value, id_)) {
    end_block_ = true;
    return true;
  }
  raise_trap(Cause::kStoreAccessFault, addr);
  return false;
}

bool Hart::peek(uint64_t addr, void* out, size_t size) {
  if (!bus_.in_ram(addr, size)) return false;
  std::memcpy(out, bus_.ram() + (addr - Bus::kRamBase), size);
  return true;
}

bool Hart::poke(uint64_t addr, const void* in, size_t size, HostWriteSource source) {
  if (!bus_.in_ram(addr, size)) return false;
  std::memcpy(bus_.ram() + (addr - Bus::kRamBase), in, size);
  if (size) invalidate_code(addr, static_cast<unsigned>(size));
  machine_.host_wrote(addr, size, source);
  return true;
}

uint64_t Hart::pending_interrupts() { return machine_.interrupt_lines(id_); }

bool Hart::poll_interrupts() {
  mip = pending_interrupts();
  const uint64_t enabled = mip & mie;
  if (enabled == 0) return false;
  waiting_for_interrupt = false;
  if (priv == Priv::M && !(mstatus & mstatus::kMie)) return false;
  const uint64_t cause = (enabled & irq::kMeip)   ? Cause::kMachineExternalInterrupt
                         : (enabled & irq::kMsip) ? Cause::kMachineSoftwareInterrupt
                                                  : Cause::kMachineTimerInterrupt;
  take_trap(cause, 0, pc);
  return true;
}

void Hart::take_trap(uint64_t cause, uint64_t tval, uint64_t epc) {
  const bool interrupt = cause & Cause::kInterrupt;
  const unsigned code = static_cast<unsigned>(cause & 15);
  (interrupt ? stats.interrupts : stats.traps)[code]++;
  const uint64_t base = mtvec & ~uint64_t{3};
  const bool vectored = (mtvec & 3) == 1;
  const uint64_t handler = vectored && interrupt ? base + 4 * code : base;
  if (!bus_.in_ram(handler, 2)) {
    machine_.report_guest_fault(
        *this, epc,
        fmt::format(
            "{} (mtval=0x{:x}) and no trap handler is installed (mtvec=0x{:x}); install one "
            "with `csrw mtvec`, or check the program's entry",
            cause_name(cause), tval, mtvec));
    return;
  }
  if (!interrupt && epc == base) {
    machine_.report_guest_fault(
        *this, epc,
        fmt::format("the trap handler at mtvec=0x{:x} itself raised {} (mtval=0x{:x})", base,
                    cause_name(cause), tval));
    return;
  }
  mepc = epc & ~uint64_t{1};
  mcause = cause;
  mtval = tval;
  uint64_t s = mstatus;
  s = (s & ~mstatus::kMpie) | ((s & mstatus::kMie) ? mstatus::kMpie : 0);
  s &= ~mstatus::kMie;
  s = (s & ~mstatus::kMpp) | (uint64_t(priv) << mstatus::kMppShift);
  mstatus = s;
  priv = Priv::M;
  pc = handler;
  reservation_valid = false;
  update_fast_path();
  if (hooks_) hooks_->on_trap(*this, cause, epc);
}

const char* cause_name(uint64_t cause) {
  if (cause & Cause::kInterrupt) {
    switch (cause & 63) {
      case 3:
        return "machine software interrupt";
      case 7:
        return "machine timer interrupt";
      case 11:
        return "machine external interrupt";
      default:
        return "interrupt";
    }
  }
  return unitag_exception_name(cause);
}

}  // namespace unitag
