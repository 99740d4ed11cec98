#include "machine/hart/hart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "abi/unitag/trap_causes.h"
#include "machine/bus/guest_memory.h"
#include "machine/isa/decoder.h"
#include "machine/machine.h"
#if UNITAG_HAS_JIT
#include "machine/jit/translator.h"
#else
namespace unitag::jit {
class Translator {};  // no translation tier on this host
}  // namespace unitag::jit
#endif

namespace unitag {

Hart::Hart(Machine& machine, Bus& bus, unsigned id, bool fp)
    : machine_(machine), bus_(bus), id_(id), fp_(fp) {
  pages_.resize((bus.ram_size() >> Bus::kPageBits) + 1);
  publish_labels();  // a zero budget only publishes the loop's labels into labels_
  reset(0, 0, 0);    // the loader sets the entry and a0/a1
}

Hart::~Hart() = default;

#if !UNITAG_HAS_JIT
bool Hart::enable_translation(unsigned, unsigned) { return false; }
void Hart::translate_with_tags(const jit::TagLayout*) {}
uint64_t Hart::translated_resume_pc() const { return ~uint64_t{0}; }
void Hart::translate_trusted(uint64_t, uint64_t*) {}
#endif

void Hart::reset(uint64_t entry, uint64_t a0, uint64_t a1) {
  std::fill(std::begin(x), std::end(x), 0);
  std::fill(std::begin(f), std::end(f), 0);
  priv = Priv::M;
  mstatus = mstatus::kUxl | (fp_ ? mstatus::kFsInitial << mstatus::kFsShift : 0);
  mie = mip = mtvec = mscratch = mepc = mcause = mtval = 0;
  mcounteren = mcountinhibit = tselect = 0;
  medeleg = mideleg = menvcfg = 0;
  stvec = sscratch = sepc = scause = stval = satp = scounteren = senvcfg = 0;
  fflags = frm = 0;
  std::fill(std::begin(pmpcfg), std::end(pmpcfg), 0);
  std::fill(std::begin(pmpaddr), std::end(pmpaddr), 0);
  reservation_valid = false;
  pending_cause_ = pending_tval_ = 0;
  waiting_for_interrupt = false;
  pc = entry;
  x[10] = a0;
  x[11] = a1;
  flush_decode_cache();  // the code a previous partition left in these pages is gone
  update_fast_path();
}

// The decode cache is keyed by physical page: what a fetch at pc reaches, through the memory path
// (the page tables when paged), so an address-space change needs no flush of decodes.
DecodedPage* Hart::decoded_page(uint64_t pc) {
  Translation t;
  if (!fetch_location(pc, t)) return nullptr;
  auto& slot = pages_[(t.paddr - Bus::kRamBase) >> Bus::kPageBits];
  if (!slot) {
    if (live_pages_ >= max_decoded_pages_) {
      for (auto& p : pages_) p.reset();
      live_pages_ = 0;
      ++stats.decode_evictions;
    }
    slot = std::make_unique<DecodedPage>(labels_);
    ++live_pages_;
    slot->generation = decode_generation_;
  } else if (slot->generation != decode_generation_) {
    for (unsigned i = 0; i < DecodedPage::kSlots; ++i) mark_undecoded(slot->slots[i]);
    slot->generation = decode_generation_;
  }
  return slot.get();
}

bool Hart::fill_slot(uint64_t pc, DecodedInsn& slot) {
  Translation t;
  if (!fetch_location(pc, t)) {
    raise_trap(fault_cause(AccessKind::kFetch), pc);
    return false;
  }
  uint16_t low;
  guest_memory::read(&low, t.host, 2);  // another hart may be writing this code
  uint32_t bits = low;
  if (insn_length(low) == 4) {
    Translation high_half;
    page_fault_ = false;
    if (!translate(pc + 2, 2, AccessKind::kFetch, high_half) || high_half.host == nullptr) {
      // A page fault names the page that faulted, the second one (as QEMU does).
      raise_trap(fault_cause(AccessKind::kFetch), page_fault_ ? pc + 2 : pc);
      return false;
    }
    uint16_t high;
    guest_memory::read(&high, high_half.host, 2);
    bits |= uint32_t{high} << 16;
    bus_.mark_code_page(high_half.paddr - Bus::kRamBase);
  }
  bus_.mark_code_page(t.paddr - Bus::kRamBase);
  slot = decode(bits, DecodeOptions{.fp = fp_});
  slot.handler = handler_in(labels_, slot);
  ++stats.decoded;
  decode_paddr_ = t.paddr;
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
  ++decode_generation_;
#if UNITAG_HAS_JIT
  if (jit_) {
    jit_->flush();
    ++stats.translation_flushes;
  }
#endif
}

// A store may overlap an instruction starting up to 2 bytes before it (a 4-byte instruction at
// 2-byte alignment), so those slots are invalidated too. Other harts keep their decodes until
// they execute fence.i, as the specification requires of software.
void Hart::invalidate_code(uint64_t addr, unsigned size) {
  machine_.stored_to_watched_page(addr, size);
  ++stats.code_invalidations;
#if UNITAG_HAS_JIT
  if (jit_) jit_->invalidate(guest_address(addr), size);  // blocks are keyed by guest pc
#endif
  for (uint64_t a = (addr & ~uint64_t{1}) - 2; a < addr + size; a += 2) {
    if (!bus_.in_ram(a, 2)) continue;
    auto& page = pages_[(a - Bus::kRamBase) >> Bus::kPageBits];
    if (page) mark_undecoded(page->slots[(a & ((1u << Bus::kPageBits) - 1)) >> 1]);
  }
}

uint64_t Hart::pending_interrupts() { return machine_.interrupt_lines(id_) | mip_software; }

// An interrupt goes to M unless mideleg hands it to S; each level takes it when the hart runs
// below that level, or at it with the level's interrupt enable set (privileged spec 3.1.9).
bool Hart::poll_interrupts() {
  mip = pending_interrupts();
  const uint64_t enabled = mip & mie;
  if (enabled == 0) return false;
  waiting_for_interrupt = false;
  const bool m_on = priv != Priv::M || (mstatus & mstatus::kMie);
  const bool s_on = priv == Priv::U || (priv == Priv::S && (mstatus & mstatus::kSie));
  uint64_t takeable = m_on ? enabled & ~mideleg : 0;
  if (takeable == 0 && s_on) takeable = enabled & mideleg;
  if (takeable == 0) return false;
  static constexpr unsigned kPriority[] = {11, 3, 7, 9, 1, 5};  // MEI MSI MTI SEI SSI STI
  for (unsigned code : kPriority) {
    if (takeable & (uint64_t{1} << code)) {
      take_trap(Cause::kInterrupt | code, 0, pc);
      return true;
    }
  }
  return false;
}

void Hart::take_trap(uint64_t cause, uint64_t tval, uint64_t epc) {
  const bool interrupt = cause & Cause::kInterrupt;
  const unsigned code = static_cast<unsigned>(cause & 15);
  (interrupt ? stats.interrupts : stats.traps)[code]++;
  // A partition reaching outside its memory is the machine's business, not its kernel's: the
  // kernel is what the window fences in.
  if (!interrupt &&
      (cause == Cause::kInsnAccessFault || cause == Cause::kLoadAccessFault ||
       cause == Cause::kStoreAccessFault) &&
      outside_partition(tval)) {
    machine_.report_partition_violation(*this, epc, cause, tval);
    return;
  }
  const uint64_t number = cause & ~Cause::kInterrupt;
  if (priv != Priv::M && number < 64 && (((interrupt ? mideleg : medeleg) >> number) & 1)) {
    take_supervisor_trap(cause, tval, epc);
    return;
  }
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

// The trap goes to stvec, which is a virtual address when paging is on: a handler that cannot be
// fetched faults at its own address, which is reported (below) rather than looped on.
void Hart::take_supervisor_trap(uint64_t cause, uint64_t tval, uint64_t epc) {
  const bool interrupt = cause & Cause::kInterrupt;
  const uint64_t base = stvec & ~uint64_t{3};
  if (!interrupt && epc == base) {
    machine_.report_guest_fault(
        *this, epc,
        fmt::format("the S-mode trap handler at stvec=0x{:x} itself raised {} (stval=0x{:x})", base,
                    cause_name(cause), tval));
    return;
  }
  sepc = epc & ~uint64_t{1};
  scause = cause;
  stval = tval;
  uint64_t s = mstatus;
  s = (s & ~mstatus::kSpie) | ((s & mstatus::kSie) ? mstatus::kSpie : 0);
  s &= ~mstatus::kSie;
  s = (s & ~mstatus::kSpp) | (priv == Priv::S ? mstatus::kSpp : 0);
  mstatus = s;
  priv = Priv::S;
  pc = (stvec & 3) == 1 && interrupt ? base + 4 * (cause & 63) : base;
  reservation_valid = false;
  update_fast_path();
  if (hooks_) hooks_->on_trap(*this, cause, epc);
}

const char* cause_name(uint64_t cause) {
  if (cause & Cause::kInterrupt) {
    switch (cause & 63) {
      case 1:
        return "supervisor software interrupt";
      case 5:
        return "supervisor timer interrupt";
      case 9:
        return "supervisor external interrupt";
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
