// One RISC-V hart: architectural state (integer and FP registers, CSRs, privilege, PMP), its
// decoded-instruction cache, and the execute loop. Harts share the Bus; everything a hart does to
// another (interrupts, stop requests) goes through the Machine.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "machine/bus/bus.h"
#include "machine/hart/csr.h"
#include "machine/hart/hooks.h"
#include "machine/hart/translation.h"
#include "machine/isa/insn.h"
#include "machine/partition.h"

namespace unitag {

class Machine;
namespace jit {
class Translator;
struct TagLayout;
struct AtomicHelpers;
}  // namespace jit

// Decoded instructions for one 4 KiB page of RAM, one slot per 2-byte position, plus two
// sentinels: straight-line code runs off the end of the page into one of them (a 4-byte
// instruction in the last slot lands on the second), which sends the loop to look up the next page.
// Where a loop whose labels are `labels` (2 per op: 2-byte and 4-byte form) dispatches `slot`.
inline const void* handler_in(const void* const* labels, const DecodedInsn& slot) {
  return labels[2 * static_cast<size_t>(slot.op) + (slot.len == 4)];
}

struct DecodedPage {
  static constexpr unsigned kSlots = (1u << Bus::kPageBits) / 2;
  std::array<DecodedInsn, kSlots + 2> slots{};
  uint64_t generation = 0;  // the hart's flush generation its slots were decoded in
  explicit DecodedPage(const void* const* labels) {
    for (auto& s : slots) s.handler = labels[2 * static_cast<size_t>(Op::kUndecoded)];
    for (unsigned i = kSlots; i < kSlots + 2; ++i) {
      slots[i].op = Op::kPageEnd;
      slots[i].handler = labels[2 * static_cast<size_t>(Op::kPageEnd)];
    }
  }
};

struct HartStats {
  uint64_t traps[16] = {};       // synchronous exceptions by cause
  uint64_t interrupts[16] = {};  // interrupts by cause
  uint64_t decoded = 0;          // instructions decoded into the cache
  uint64_t code_invalidations = 0;
  uint64_t decode_evictions = 0;     // times the decode cache was emptied for being over budget
  uint64_t translated_blocks = 0;    // blocks the translation tier compiled (machine/jit)
  uint64_t translation_flushes = 0;  // times its cache was emptied (full, or fence.i)
  // Tagged blocks specialised on the tag engine's code entries (machine/jit/tag_check_emitter.h):
  // times one found the engine's state moved and was looked at again, and times one was dropped
  // for entries holding other rules (translated again, generic after a few).
  uint64_t tag_revalidations = 0;
  uint64_t tag_respecialisations = 0;
  double translation_seconds = 0;  // host time spent translating
  double host_seconds = 0;         // wall time this hart spent executing
  double cpu_seconds = 0;          // host CPU time of that execution (robust on a busy host)
};

class Hart {
 public:
  Hart(Machine& machine, Bus& bus, unsigned id, bool fp);
  ~Hart();

  // Runs code through the translation tier (machine/jit) from now on. False where the host has
  // none (not x86-64): the interpreter runs everything. With hooks attached (the debugger,
  // traces) the interpreter runs whatever this says; a tag engine's own loop runs translated.
  // translate_after: blocks are translated once entered that many times (0: at once);
  // translate_after_tagged: the same for blocks with tag checks compiled in.
  bool enable_translation(unsigned translate_after = 0, unsigned translate_after_tagged = 0);
  bool translating() const { return jit_ != nullptr; }
  // The tag checks compiled into translated blocks (machine/jit/tag_check_emitter.h), for the
  // loop of hooks that run translated code (a lone tag engine); nullptr: none. Changing it
  // drops every translation. Setting other hooks resets it.
  void translate_with_tags(const jit::TagLayout* tags);
  // Code the tag engine trusts (jit::Translator::run_trusted): until called with nullptr,
  // translated without checks, counted in *trusted, stopping before stop_pc.
  void translate_trusted(uint64_t stop_pc, uint64_t* trusted);

  // --- architectural state -------------------------------------------------------------------
  uint64_t x[33] = {};  // x[32] is the sink for writes to x0
  uint64_t f[32] = {};  // FP registers, NaN-boxed singles
  uint64_t pc = 0;
  Priv priv = Priv::M;
  uint64_t mstatus = mstatus::kUxl;
  uint64_t mie = 0, mip = 0, mtvec = 0, mscratch = 0, mepc = 0, mcause = 0, mtval = 0;
  uint64_t mcounteren = 0, mcountinhibit = 0, tselect = 0;
  uint32_t fflags = 0, frm = 0;
  uint8_t pmpcfg[16] = {};
  uint64_t pmpaddr[16] = {};
  // Supervisor state; sstatus, sie and sip are views of mstatus, mie and mip (csr.cpp).
  uint64_t medeleg = 0, mideleg = 0, menvcfg = 0;
  uint64_t stvec = 0, sscratch = 0, sepc = 0, scause = 0, stval = 0, satp = 0;
  uint64_t scounteren = 0, senvcfg = 0;
  uint64_t mip_software = 0;  // SSIP/STIP/SEIP as software set them (no device drives them yet)
  uint64_t instret = 0;       // retired instructions (minstret = instret + offset)
  uint64_t instret_offset = 0, cycle_offset = 0;
  uint64_t extra_cycles = 0;  // modeled stall cycles added by hooks (e.g. rule-cache misses)

  // LR/SC reservation: SC succeeds if the word still holds the value LR saw (compare-and-swap).
  bool reservation_valid = false;
  uint64_t reservation_addr = 0, reservation_value = 0;

  // --- run state ---------------------------------------------------------------------------
  std::atomic<bool> waiting_for_interrupt{false};  // executed WFI with nothing pending
  // Parallel mode: its host thread sleeps in Machine::wait_for_interrupt, its state at rest.
  // Guarded by the machine's wait mutex: the deadlock watchdog, holding it, may read the state
  // of a hart that sleeps (pc, mie) without racing its thread.
  bool asleep = false;
  // In no running partition: the run loops skip it until a partition starts on it. kRequested:
  // told to stop (it finishes its block); kParked: its run loop acknowledged, it is idle.
  enum ParkState : int { kRunning = 0, kRequested = 1, kParked = 2 };
  std::atomic<int> park{kRunning};
  uint64_t block_executed = 0;  // instructions retired so far in the current block (for CSRs)
  HartStats stats;

  unsigned id() const { return id_; }
  Machine& machine() { return machine_; }
  Bus& bus() { return bus_; }
  bool has_fp() const { return fp_; }

  void set_hooks(ExecutionHooks* hooks) {
    if (hooks != hooks_) translate_with_tags(nullptr);
    hooks_ = hooks;
    hooks_use_host_fp_ = hooks && hooks->uses_host_fp();
    hooks_own_loop_ = hooks && hooks->has_own_loop();
  }
  ExecutionHooks* hooks() const { return hooks_; }

  // Runs up to `budget` instructions; returns how many retired. Ends early on WFI, on CSR writes
  // that may unmask interrupts, on device stores, and when the machine stops.
  uint64_t execute(uint64_t budget);
  // The execute loop with `checker` deciding before each instruction (execute_loop.inc says
  // what a Checker is). Defined in execute_loop.inc, which a hook's own execute() instantiates.
  template <class Checker>
  uint64_t execute_loop(Checker checker, uint64_t budget);

  // Takes any pending, enabled interrupt (called between blocks). Returns true if one was taken.
  bool poll_interrupts();
  // The interrupt-pending bits as the CLINT sees them now.
  uint64_t pending_interrupts();

  // Enters the trap handler for `cause` raised at `epc`: S-mode's when medeleg/mideleg delegate
  // it from S or U, else M-mode's. Stops the machine with a clear message when there is no usable
  // handler (mtvec outside RAM, or the handler itself faulting).
  void take_trap(uint64_t cause, uint64_t tval, uint64_t epc);
  void take_supervisor_trap(uint64_t cause, uint64_t tval, uint64_t epc);
  // Records a trap to be taken by the execute loop in place of the current instruction.
  void raise_trap(uint64_t cause, uint64_t tval) {
    pending_cause_ = cause;
    pending_tval_ = tval;
  }

  // CSR file. Returns false when the access is illegal (unknown CSR, privilege, read-only write).
  bool csr_read(uint16_t number, uint64_t& value);
  bool csr_write(uint16_t number, uint64_t value);
  bool csr_access(uint16_t number, CsrAccess kind, uint64_t operand, bool write, uint64_t& old);

  // --- the memory path (translation.h) ----------------------------------------------------
  // Every guest access, the checkers' addresses, the decode cache's fetches, AMOs and the
  // debugger's peeks and pokes go through translate() or locate().
  // Translates [addr, addr+size) for an access of `kind`: false when this hart may not make it
  // (no trap is raised: the caller raises the fault its access calls for).
  bool translate(uint64_t addr, unsigned size, AccessKind kind, Translation& out);
  // Where [addr, addr+size) lives, whatever this hart's permissions (debuggers, checkers, host
  // writes): false unless it is all RAM.
  bool locate(uint64_t addr, uint64_t size, Translation& out) const;
  // The physical address of the data access `d` makes when it runs now (for checkers, which see
  // it before it runs); 0 for instructions without one, the unchanged address for one that will
  // fault outside paging, and kUnmappedAddress (no RAM, no device) for one to an unmapped page:
  // a user address could otherwise name some unrelated physical word.
  static constexpr uint64_t kUnmappedAddress = ~uint64_t{7};
  uint64_t access_address(const DecodedInsn& d) const {
    if (!d.operands().accesses_memory()) return 0;
    const uint64_t a = access_vaddr(d);
    const Window& w = tlb_.window;
    if (a - w.base < w.limit) [[likely]]
      return a - w.base + w.paddr;
    if (paged_data_) {
      uint64_t paddr = 0;
      return paged_address_for_checker(a, &paddr) ? paddr : kUnmappedAddress;
    }
    return checker_paddr(a);
  }
  // The address, as the guest names it, that the data access of `d` makes when it runs now.
  uint64_t access_vaddr(const DecodedInsn& d) const {
    return x[d.rs1] + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
  }
  // The physical address a data access to `vaddr` reaches now, for checkers that name memory
  // by the guest's addresses (the tag engine's ranges): through the page tables when data is
  // paged; the address itself when it is unmapped or outside RAM.
  uint64_t checker_paddr(uint64_t vaddr) const {
    if (paged_data_) return paged_address_for_checker(vaddr);
    Translation t;
    return locate(vaddr, 1, t) ? t.paddr : vaddr;
  }
  // The execute loop's second inline path under paging, for a load or store outside the window
  // (the window is one page): the host address of [vaddr, vaddr + sizeof(T)) when the translation
  // cache holds its page with permission `perm` (kPermRead / kPermWrite: a store only once D is
  // set) and the access stays in that page; nullptr sends it down the full memory path.
  template <typename T>
  uint8_t* paged_host(uint64_t vaddr, uint8_t perm) const {
    constexpr uint64_t kPageMask = (uint64_t{1} << Bus::kPageBits) - 1;
    if (!paged_data_ || (vaddr & kPageMask) > kPageMask + 1 - sizeof(T)) return nullptr;
    const TranslationCache::Entry* e = tlb_.find(vaddr);
    if (e == nullptr || e->host == nullptr || !(e->data_perms & perm)) return nullptr;
    return e->host + (vaddr & kPageMask);
  }
  // Whether data at `vaddr` is mapped now (always, unpaged): a checker's range may reach pages
  // the OS has not mapped yet (Linux maps a process's heap on first touch).
  bool checker_mapped(uint64_t vaddr) const {
    return !paged_data_ || paged_address_for_checker(vaddr, nullptr);
  }
  // checker_paddr and checker_mapped in one translation: false for an unmapped page.
  bool checker_translate(uint64_t vaddr, uint64_t& paddr) const {
    paddr = vaddr;
    if (paged_data_) return paged_address_for_checker(vaddr, &paddr);
    paddr = checker_paddr(vaddr);
    return true;
  }
  // Loads and stores outside the window (the execute loop inlines the window). On failure they
  // record the trap with raise_trap and return false.
  bool load(uint64_t addr, unsigned size, uint64_t& value);
  bool store(uint64_t addr, unsigned size, uint64_t value);
  bool fetch_ok(uint64_t addr, unsigned size);
  // Debugger-style access: RAM only, no PMP, no side effects on devices.
  bool peek(uint64_t addr, void* out, size_t size);
  // A host write (not a guest store): observers (Machine::host_wrote) learn of it.
  bool poke(uint64_t addr, const void* in, size_t size,
            HostWriteSource source = HostWriteSource::kTool);

  // Decode cache.
  // May empty the cache (over budget): a page from an earlier call is stale once
  // stats.decode_evictions has moved.
  DecodedPage* decoded_page(uint64_t pc);
  void set_decoded_page_budget(size_t pages) { max_decoded_pages_ = pages; }
  void flush_decode_cache();
  void invalidate_code(uint64_t addr, unsigned size);
  // After privilege, MPRV or PMP changes: drops cached translations and recomputes the window.
  void update_fast_path();
  // Whether what update_fast_path computes from (privilege, satp, mstatus's MPRV, MPP, SUM and
  // MXR, PMP) changed since it last ran. A CSR write that changes none of it (the library OS
  // masks interrupts through mstatus around every lock) keeps the fast path as it is.
  bool fast_path_stale() const { return fast_path_inputs() != fast_path_inputs_; }

  // Physical memory protection check of [addr, addr+size) for kind 'r', 'w' or 'x'.
  bool pmp_allows(uint64_t addr, unsigned size, Priv effective, char kind) const;
  // The address range [lo, hi) that PMP entry i covers (hi == lo when the entry is off).
  void pmp_range(unsigned i, uint64_t& lo, uint64_t& hi) const;

  // Back to the state at reset (M-mode, registers and CSRs cleared, caches empty), entering at pc
  // with a0 and a1 set: a partition starting on this hart while the machine runs.
  void reset(uint64_t entry, uint64_t a0, uint64_t a1);

  // The multikernel partition this hart belongs to: its RAM window (all RAM when unpartitioned).
  void set_partition(const PartitionWindow& w) {
    partition_ = w;
    update_fast_path();
  }
  const PartitionWindow& partition() const { return partition_; }
  // The guest address of a physical one this hart reached (policies and reports speak the
  // guest's addresses; tags are kept by physical address).
  uint64_t guest_address(uint64_t paddr) const {
    if (partition_.partitioned() && paddr - partition_.phys_base < partition_.size)
      return paddr - partition_.phys_base + PartitionWindow::kGuestBase;
    return paddr;
  }
  // A RAM address this hart's partition may not reach (the machine reports such accesses).
  bool outside_partition(uint64_t addr) const {
    uint64_t paddr;
    return partition_.partitioned() && bus_.in_ram(addr, 1) && !partition_.map(addr, 1, paddr);
  }

  // Privilege that loads and stores are checked at (MPRV makes M-mode borrow MPP's).
  Priv data_priv() const {
    if (priv == Priv::M && (mstatus & mstatus::kMprv))
      return static_cast<Priv>((mstatus & mstatus::kMpp) >> mstatus::kMppShift);
    return priv;
  }

  // --- Sv39 (sv39.cpp) ------------------------------------------------------------------------
  // Whether fetches / loads and stores go through the page tables now (satp in Sv39 mode and
  // the privilege they are made at below M).
  bool paged_fetch() const { return paged_fetch_; }
  bool paged_data() const { return paged_data_; }
  // During ExecutionHooks::on_decode: the physical address the instruction was fetched from.
  uint64_t decode_paddr() const { return decode_paddr_; }
  // sfence.vma: drops cached translations of `vaddr`'s leaf page (all when `all`).
  void sfence_vma(bool all, uint64_t vaddr);
  // The cause of the fault the last failed translate() calls for: a page fault (12/13/15) or
  // an access fault (1/5/7).
  uint64_t fault_cause(AccessKind kind) const;

 private:
  friend class jit::Translator;      // reads decoded slots (fill_slot) to translate them
  friend struct jit::AtomicHelpers;  // translated AMOs and LR/SC take atomic_target's path
  uint64_t publish_labels();         // runs the hook-free loop for nothing, which fills labels_
  // Points every decoded slot's handler into another loop (its labels), keeping the decodes.
  void use_labels(const void* const* labels);
  bool fill_slot(uint64_t pc, DecodedInsn& slot);
  void mark_undecoded(DecodedInsn& slot) const {
    slot.op = Op::kUndecoded;
    slot.handler = labels_[2 * static_cast<size_t>(Op::kUndecoded)];
  }

  // Host pointer for an atomic access, or nullptr after raising the right trap: AMOs and LR/SC
  // must be naturally aligned and in RAM (no atomics on devices).
  template <typename T>
  T* atomic_target(uint64_t addr, uint64_t misaligned_cause, uint64_t fault_cause,
                   AccessKind kind) {
    if (addr & (sizeof(T) - 1)) {
      raise_trap(misaligned_cause, addr);
      return nullptr;
    }
    Translation t;
    page_fault_ = false;
    atomic_device_ = nullptr;
    const bool readable = translate(addr, sizeof(T), AccessKind::kRead, t);
    const bool ok = readable && (kind != AccessKind::kWrite || translate(addr, sizeof(T), kind, t));
    if (ok && t.host == nullptr &&
        (atomic_device_ = bus_.device_at(t.paddr, sizeof(T), atomic_offset_)) != nullptr)
      return nullptr;  // memory behind a device: the caller takes device_cas
    if (!ok || t.host == nullptr) {
      // An AMO's read half faults with the store/AMO cause, as its write half does.
      const uint64_t page_cause =
          kind == AccessKind::kWrite ? Cause::kStorePageFault : Cause::kLoadPageFault;
      raise_trap(page_fault_ ? page_cause : fault_cause, addr);
      return nullptr;
    }
    return reinterpret_cast<T*>(t.host);
  }
  // After atomic_target gave no pointer but set atomic_device_: one compare-and-swap there
  // (false after raising the access fault, also for a device without atomics).
  template <typename T>
  bool device_cas(uint64_t addr, T expected, T desired, T& old,
                  uint64_t fault = Cause::kStoreAccessFault) {
    uint64_t found = 0;
    const auto mask = static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(~T{0}));
    if (!atomic_device_->compare_swap(atomic_offset_, sizeof(T),
                                      static_cast<uint64_t>(expected) & mask,
                                      static_cast<uint64_t>(desired) & mask, found, id_)) {
      raise_trap(fault, addr);
      return false;
    }
    old = static_cast<T>(found);
    return true;
  }
  // An AMO on device memory: compare-and-swap until no other writer came between.
  template <typename T, typename Fn>
  bool device_amo(uint64_t addr, Fn fn, T operand, T& old) {
    T seen = 0;
    if (!device_cas<T>(addr, T{0}, T{0}, seen)) return false;  // a read that stores nothing new
    while (true) {
      if (!device_cas<T>(addr, seen, fn(seen, operand), old)) return false;
      if (old == seen) return true;
      seen = old;
    }
  }
  // The physical address of RAM bytes the memory path handed out as a host pointer.
  uint64_t physical_of(const void* host) const {
    return Bus::kRamBase + static_cast<uint64_t>(static_cast<const uint8_t*>(host) - bus_.ram());
  }
  // The PMP permissions of the whole page at `page_base` at privilege p, when one entry (or none)
  // decides every access inside it; -1 when accesses inside it are decided differently.
  int uniform_pmp_perms(uint64_t page_base, Priv p) const;
  // Guest address to physical under the partition window (identity when unpartitioned); false
  // for RAM outside the window.
  bool physical_address(uint64_t addr, uint64_t size, uint64_t& paddr) const;
  // Makes the translation cache entry for addr's page (false: the page cannot have one).
  bool fill_translation(uint64_t addr, TranslationCache::Entry& out);
  // Where a fetch at pc reads its first two bytes (through the page tables when paged).
  bool fetch_location(uint64_t pc, Translation& out);
  // translate() when paging applies to `kind`: a page walk (A/D updates) filling the cache.
  bool translate_paged(uint64_t addr, unsigned size, AccessKind kind, Translation& out);
  // Under paging the window is one page: the last one loads and stores reached through the
  // cache that allows both (so its D bit is set), until the next flush.
  void window_to_page(uint64_t vaddr);
  // The physical address a checker sees for a paged data access (no A/D updates, no faults).
  uint64_t paged_address_for_checker(uint64_t vaddr) const;
  // The same; false (and vaddr) when the page tables do not map it.
  bool paged_address_for_checker(uint64_t vaddr, uint64_t* paddr) const;
  void compute_window();

  uint64_t pending_cause_ = 0, pending_tval_ = 0;
  Device* atomic_device_ = nullptr;  // set by atomic_target for memory behind a device
  uint64_t atomic_offset_ = 0;
  bool end_block_ = false;  // set by a device access: end the block so its effect is seen

  Machine& machine_;
  Bus& bus_;
  unsigned id_;
  bool fp_;
  ExecutionHooks* hooks_ = nullptr;
  bool hooks_use_host_fp_ = true;
  bool hooks_own_loop_ = false;  // hooks_->execute() runs the loop (ExecutionHooks::has_own_loop)
  TranslationCache tlb_;         // its window is the execute loop's inline path
  PartitionWindow partition_;
  struct FastPathInputs {
    Priv priv = Priv::M;
    uint64_t satp = 0, mstatus_bits = 0;
    std::array<uint8_t, 16> pmpcfg{};
    std::array<uint64_t, 16> pmpaddr{};
    bool operator==(const FastPathInputs&) const = default;
  };
  FastPathInputs fast_path_inputs() const;
  FastPathInputs fast_path_inputs_;
  bool pmp_locked_ = false;                        // a locked PMP entry also binds M-mode
  bool paged_fetch_ = false, paged_data_ = false;  // see paged_fetch()
  uint64_t decode_paddr_ = 0;
  bool page_fault_ = false;  // the last failed translation was a page fault (fault_cause)
  uint64_t seen_code_generation_ = 0;
  std::vector<std::unique_ptr<DecodedPage>> pages_;
  // flush_decode_cache() only starts a new generation; a page from an older one is emptied when
  // the hart next looks it up (Linux runs fence.i at every exec and executable page fault, and
  // emptying every decoded page each time cost a fifth of its boot).
  uint64_t decode_generation_ = 0;
  // A decoded page is 16 times the guest page it decodes, so a guest that executes code all
  // over its RAM would cost the host 16x its RAM per hart. Past this many live pages the cache
  // is emptied and refills with what runs (set from the machine's hart count).
  size_t max_decoded_pages_ = 4096;
  size_t live_pages_ = 0;
  const void* const* labels_ = nullptr;  // the hook-free loop's labels: 2 * op + (len == 4)
  // Runs translated blocks from pc (execute_loop.inc, in the loop that runs them): false when
  // the budget is spent, else pc is an instruction for the interpreter (its step not counted).
  bool run_translated(uint64_t& pc, uint64_t& count, uint64_t limit);
  // After run_translated handed back an instruction that translated code runs when its tags
  // allow (or its access is in the window): the pc after it, else ~0.
  uint64_t translated_resume_pc() const;
  std::unique_ptr<jit::Translator> jit_;
};

}  // namespace unitag
