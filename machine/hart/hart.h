// One RISC-V hart: architectural state (integer and FP registers, CSRs, privilege, PMP), its
// decoded-instruction cache, and the execute loop. Harts share the Bus; everything a hart does to
// another (interrupts, stop requests) goes through the Machine.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "machine/bus/bus.h"
#include "machine/hart/csr.h"
#include "machine/hart/hooks.h"
#include "machine/isa/insn.h"

namespace unitag {

class Machine;

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
  double host_seconds = 0;  // wall time this hart spent executing
  double cpu_seconds = 0;   // host CPU time of that execution (robust on a busy host)
};

class Hart {
 public:
  Hart(Machine& machine, Bus& bus, unsigned id, bool fp);

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
  uint64_t instret = 0;  // retired instructions (minstret = instret + offset)
  uint64_t instret_offset = 0, cycle_offset = 0;
  uint64_t extra_cycles = 0;  // modeled stall cycles added by hooks (e.g. rule-cache misses)

  // LR/SC reservation: SC succeeds if the word still holds the value LR saw (compare-and-swap).
  bool reservation_valid = false;
  uint64_t reservation_addr = 0, reservation_value = 0;

  // --- run state ---------------------------------------------------------------------------
  std::atomic<bool> waiting_for_interrupt{false};  // executed WFI with nothing pending
  uint64_t block_executed = 0;  // instructions retired so far in the current block (for CSRs)
  HartStats stats;

  unsigned id() const { return id_; }
  Machine& machine() { return machine_; }
  Bus& bus() { return bus_; }
  bool has_fp() const { return fp_; }

  void set_hooks(ExecutionHooks* hooks) {
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

  // Enters the trap handler for `cause` raised at `epc`. Stops the machine with a clear message
  // when there is no usable handler (mtvec outside RAM, or the handler itself faulting).
  void take_trap(uint64_t cause, uint64_t tval, uint64_t epc);
  // Records a trap to be taken by the execute loop in place of the current instruction.
  void raise_trap(uint64_t cause, uint64_t tval) {
    pending_cause_ = cause;
    pending_tval_ = tval;
  }

  // CSR file. Returns false when the access is illegal (unknown CSR, privilege, read-only write).
  bool csr_read(uint16_t number, uint64_t& value);
  bool csr_write(uint16_t number, uint64_t value);
  bool csr_access(uint16_t number, CsrAccess kind, uint64_t operand, bool write, uint64_t& old);

  // Memory through PMP and the bus (the slow path; the execute loop inlines RAM accesses).
  // On failure they record the trap with raise_trap and return false.
  bool load(uint64_t addr, unsigned size, uint64_t& value);
  bool store(uint64_t addr, unsigned size, uint64_t value);
  bool fetch_ok(uint64_t addr, unsigned size);
  // Debugger-style access: physical RAM only, no PMP, no side effects on devices.
  bool peek(uint64_t addr, void* out, size_t size);
  // A host write (not a guest store): observers (Machine::host_wrote) learn of it.
  bool poke(uint64_t addr, const void* in, size_t size,
            HostWriteSource source = HostWriteSource::kTool);

  // Decode cache.
  DecodedPage* decoded_page(uint64_t pc);
  void flush_decode_cache();
  void invalidate_code(uint64_t addr, unsigned size);
  void update_fast_path();  // after privilege, MPRV or PMP changes

  // Physical memory protection check of [addr, addr+size) for kind 'r', 'w' or 'x'.
  bool pmp_allows(uint64_t addr, unsigned size, Priv effective, char kind) const;
  // The address range [lo, hi) that PMP entry i covers (hi == lo when the entry is off).
  void pmp_range(unsigned i, uint64_t& lo, uint64_t& hi) const;

  // Privilege that loads and stores are checked at (MPRV makes M-mode borrow MPP's).
  Priv data_priv() const {
    return (mstatus & mstatus::kMprv) && (mstatus & mstatus::kMpp) == 0 ? Priv::U : priv;
  }

 private:
  uint64_t publish_labels();  // runs the hook-free loop for nothing, which fills labels_
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
  T* atomic_target(uint64_t addr, uint64_t misaligned_cause, uint64_t fault_cause, char kind) {
    if (addr & (sizeof(T) - 1)) {
      raise_trap(misaligned_cause, addr);
      return nullptr;
    }
    const Priv p = data_priv();
    if (!bus_.in_ram(addr, sizeof(T)) || !pmp_allows(addr, sizeof(T), p, 'r') ||
        (kind == 'w' && !pmp_allows(addr, sizeof(T), p, 'w'))) {
      raise_trap(fault_cause, addr);
      return nullptr;
    }
    return reinterpret_cast<T*>(bus_.ram() + (addr - Bus::kRamBase));
  }

  uint64_t pending_cause_ = 0, pending_tval_ = 0;
  bool end_block_ = false;  // set by a device access: end the block so its effect is seen

  Machine& machine_;
  Bus& bus_;
  unsigned id_;
  bool fp_;
  ExecutionHooks* hooks_ = nullptr;
  bool hooks_use_host_fp_ = true;
  bool hooks_own_loop_ = false;  // hooks_->execute() runs the loop (ExecutionHooks::has_own_loop)
  // The inline-path window: guest addresses [fast_base_, fast_base_ + fast_limit_ + 7) are RAM that
  // PMP lets this hart's loads and stores read and write, so they skip all checks.
  uint64_t fast_base_ = Bus::kRamBase;  // guest address where the inline-path window starts
  uint64_t fast_limit_ = 0;  // window size minus 7, so an 8-byte access stays inside (0 = none)
  bool pmp_locked_ = false;  // a locked PMP entry also binds M-mode
  uint64_t seen_code_generation_ = 0;
  std::vector<std::unique_ptr<DecodedPage>> pages_;
  const void* const* labels_ = nullptr;  // the hook-free loop's labels: 2 * op + (len == 4)
};

}  // namespace unitag
