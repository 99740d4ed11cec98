// The execute loop. Dispatch is threaded (computed goto over one label per table entry); the
// instruction table supplies every label's body, so semantics live only in machine/isa/*.inc.
// The loop is instantiated twice: without hooks (no checking code at all) and with hooks.
#include <atomic>
#include <cstring>

#include "machine/hart/hart.h"
#include "machine/isa/arith.h"
#include "machine/machine.h"

namespace unitag {
namespace {
constexpr uint64_t kPageMask = (1u << Bus::kPageBits) - 1;
}

template <bool kChecked>
uint64_t Hart::execute_loop(uint64_t budget) {
  static void* const kLabels[] = {
      &&op_kUndecoded, &&op_kIllegal,
#define INSN(name, match, mask, fmt, group, body) &&op_##name,
#include "machine/isa/table.inc"
#undef INSN
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == static_cast<size_t>(Op::kCount));

  uint8_t* const ram = bus_.ram();
  uint64_t pc = this->pc;
  uint64_t executed = 0;  // steps, including instructions that trapped
  uint64_t trapped = 0;
  DecodedPage* page = nullptr;
  uint64_t page_base = 1;  // never a page base: forces a lookup
  bool check_fetch_each = false;
  const DecodedInsn* d = nullptr;
  uint64_t npc = 0;

// --- operand and effect macros used by the table bodies --------------------------------------
#define H (*this)
#define RD x[d->rd]
#define RS1 x[d->rs1]
#define RS2 x[d->rs2]
#define IMM int64_t{d->imm}
#define PC pc
#define NPC npc
#define LEN uint64_t{d->len}
#define END_BLOCK() (budget = executed)  // `executed` already counts this instruction
#define SYNC_COUNTS() (block_executed = executed - trapped)
#define TRAP(cause, tval)       \
  do {                          \
    raise_trap((cause), (tval)); \
    goto trap;                  \
  } while (0)
#define ILLEGAL() TRAP(Cause::kIllegalInsn, d->raw)
#define LOAD(T, addr_expr)                                              \
  ({                                                                    \
    const uint64_t a_ = (addr_expr);                                    \
    const uint64_t off_ = a_ - Bus::kRamBase;                           \
    T v_;                                                               \
    if (off_ < fast_limit_) [[likely]] {                                \
      std::memcpy(&v_, ram + off_, sizeof(T));                          \
    } else {                                                            \
      SYNC_COUNTS();                                                    \
      uint64_t w_;                                                      \
      if (!load(a_, sizeof(T), w_)) goto trap;                          \
      v_ = static_cast<T>(w_);                                          \
    }                                                                   \
    static_cast<uint64_t>(v_);                                          \
  })
#define STORE(T, addr_expr, value)                                       \
  do {                                                                   \
    const uint64_t a_ = (addr_expr);                                     \
    const uint64_t off_ = a_ - Bus::kRamBase;                            \
    const T v_ = static_cast<T>(value);                                  \
    if (off_ < fast_limit_) [[likely]] {                                 \
      std::memcpy(ram + off_, &v_, sizeof(T));                           \
      if (bus_.is_code_page(off_)) [[unlikely]] invalidate_code(a_, sizeof(T)); \
    } else {                                                             \
      SYNC_COUNTS();                                                     \
      if (!store(a_, sizeof(T), static_cast<uint64_t>(v_))) goto trap;   \
      if (end_block_) {                                                  \
        end_block_ = false;                                              \
        END_BLOCK();                                                     \
      }                                                                  \
    }                                                                    \
  } while (0)
#define AMO(T, addr_expr, fn)                                                 \
  ({                                                                          \
    const uint64_t a_ = (addr_expr);                                          \
    T* p_ = atomic_target<T>(a_, Cause::kStoreMisaligned, Cause::kStoreAccessFault, 'w'); \
    if (!p_) goto trap;                                                       \
    std::atomic_ref<T> ref_(*p_);                                             \
    T old_ = ref_.load();                                                     \
    while (!ref_.compare_exchange_weak(old_, fn(old_, static_cast<T>(RS2)))) { \
    }                                                                         \
    if (bus_.is_code_page(a_ - Bus::kRamBase)) invalidate_code(a_, sizeof(T)); \
    static_cast<uint64_t>(old_);                                              \
  })
#define LOAD_RESERVED(T, addr_expr)                                           \
  ({                                                                          \
    const uint64_t a_ = (addr_expr);                                          \
    T* p_ = atomic_target<T>(a_, Cause::kLoadMisaligned, Cause::kLoadAccessFault, 'r'); \
    if (!p_) goto trap;                                                       \
    const T v_ = std::atomic_ref<T>(*p_).load();                              \
    reservation_valid = true;                                                 \
    reservation_addr = a_;                                                    \
    reservation_value = static_cast<uint64_t>(v_);                            \
    static_cast<uint64_t>(v_);                                                \
  })
#define STORE_CONDITIONAL(T, addr_expr, value)                                \
  ({                                                                          \
    const uint64_t a_ = (addr_expr);                                          \
    T* p_ = atomic_target<T>(a_, Cause::kStoreMisaligned, Cause::kStoreAccessFault, 'w'); \
    if (!p_) goto trap;                                                       \
    uint64_t failed_ = 1;                                                     \
    if (reservation_valid && reservation_addr == a_) {                        \
      T expected_ = static_cast<T>(reservation_value);                        \
      if (std::atomic_ref<T>(*p_).compare_exchange_strong(expected_, static_cast<T>(value))) \
        failed_ = 0;                                                          \
    }                                                                         \
    reservation_valid = false;                                                \
    failed_;                                                                  \
  })
#define CSR_OP(kind, operand)                                                 \
  do {                                                                        \
    SYNC_COUNTS();                                                            \
    const bool write_ = (kind) == CsrAccess::Write || d->rs1 != 0;            \
    uint64_t old_ = 0;                                                        \
    if (!csr_access(static_cast<uint16_t>(d->imm), (kind), (operand), write_, old_)) ILLEGAL(); \
    RD = old_;                                                                \
    if (write_) {                                                             \
      update_fast_path();                                                     \
      page_base = 1;                                                          \
      END_BLOCK();                                                            \
    }                                                                         \
  } while (0)
#define EBREAK()                                                          \
  do {                                                                    \
    SYNC_COUNTS();                                                        \
    this->pc = pc;                                                        \
    if (machine_.handle_ebreak(*this, pc)) {                              \
      END_BLOCK();                                                        \
      if (this->pc != pc) npc = this->pc;                                 \
    } else {                                                              \
      TRAP(Cause::kBreakpoint, 0);                                        \
    }                                                                     \
  } while (0)
#define MRET()                                                                  \
  do {                                                                          \
    if (priv != Priv::M) ILLEGAL();                                             \
    const uint64_t mpp_ = (mstatus & mstatus::kMpp) >> mstatus::kMppShift;      \
    priv = mpp_ == 3 ? Priv::M : Priv::U;                                       \
    mstatus = (mstatus & ~mstatus::kMie) | ((mstatus & mstatus::kMpie) ? mstatus::kMie : 0); \
    mstatus |= mstatus::kMpie;                                                  \
    mstatus &= ~mstatus::kMpp;                                                  \
    if (priv != Priv::M) mstatus &= ~mstatus::kMprv;                            \
    npc = mepc;                                                                 \
    update_fast_path();                                                         \
    page_base = 1;                                                              \
    END_BLOCK();                                                                \
  } while (0)
#define WFI()                                                              \
  do {                                                                     \
    if (priv == Priv::U && (mstatus & mstatus::kTw)) ILLEGAL();            \
    if ((pending_interrupts() & mie) == 0) {                               \
      waiting_for_interrupt = true;                                        \
      END_BLOCK();                                                         \
    }                                                                      \
  } while (0)
#define MEMORY_FENCE() std::atomic_thread_fence(std::memory_order_seq_cst)
#define FLUSH_DECODE_CACHE() \
  do {                       \
    flush_decode_cache();    \
    page_base = 1;           \
  } while (0)

dispatch:
  if (executed >= budget) goto out;
  ++executed;
  if ((pc & ~kPageMask) != page_base) {
    page = decoded_page(pc);
    if (page == nullptr) {
      raise_trap(Cause::kInsnAccessFault, pc);
      goto trap;
    }
    page_base = pc & ~kPageMask;
    check_fetch_each = !fetch_ok(page_base, 1u << Bus::kPageBits);
  }
  if (check_fetch_each && !fetch_ok(pc, 2)) {
    raise_trap(Cause::kInsnAccessFault, pc);
    goto trap;
  }
  d = &page->slots[(pc & kPageMask) >> 1];
  if (d->op == Op::kUndecoded) [[unlikely]] {
    if (!fill_slot(pc, page->slots[(pc & kPageMask) >> 1])) goto trap;
  }
  npc = pc + d->len;
  if constexpr (kChecked) {
    if (!hooks_->before_instruction(*this, *d, pc)) [[unlikely]] {
      if (machine_.stop_requested()) {
        --executed;
        goto out;
      }
      goto trap;
    }
  }
  goto* kLabels[static_cast<size_t>(d->op)];

op_kUndecoded:
op_kIllegal:
  ILLEGAL();

#define INSN(name, match, mask, fmt, group, body) \
  op_##name : {body} pc = npc;                    \
  goto dispatch;
#include "machine/isa/table.inc"
#undef INSN

trap:
  ++trapped;
  SYNC_COUNTS();
  take_trap(pending_cause_, pending_tval_, pc);
  pc = this->pc;
  page_base = 1;
  if (machine_.stop_requested()) goto out;
  goto dispatch;

out:
  this->pc = pc;
  const uint64_t retired = executed - trapped;
  instret += retired;
  block_executed = 0;
  return retired;

#undef H
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef PC
#undef NPC
#undef LEN
#undef END_BLOCK
#undef SYNC_COUNTS
#undef TRAP
#undef ILLEGAL
#undef LOAD
#undef STORE
#undef AMO
#undef LOAD_RESERVED
#undef STORE_CONDITIONAL
#undef CSR_OP
#undef EBREAK
#undef MRET
#undef WFI
#undef MEMORY_FENCE
#undef FLUSH_DECODE_CACHE
}

uint64_t Hart::execute(uint64_t budget) {
  return hooks_ ? execute_loop<true>(budget) : execute_loop<false>(budget);
}

}  // namespace unitag
