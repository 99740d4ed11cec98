// The execute loop. Dispatch is threaded (computed goto over one label per table entry); the
// instruction table supplies every label's body, so semantics live only in machine/isa/*.inc.
// The loop is instantiated twice: without hooks (no checking code at all) and with hooks.
#include <atomic>
#include <cstring>

#include "machine/hart/hart.h"
#include "machine/isa/arith.h"
#include "machine/isa/fp.h"
#include "machine/machine.h"

namespace unitag {
namespace {
constexpr uint64_t kPageMask = (1u << Bus::kPageBits) - 1;
}

namespace {
// Groups whose instructions may set the next PC themselves. Every other instruction falls
// through, which lets the loop step to the next decode slot without recomputing it from the PC.
constexpr bool may_jump(Group g) {
  return g == Group::Branch || g == Group::Jal || g == Group::Jalr || g == Group::System ||
         g == Group::Csr || g == Group::FenceI || g == Group::TagOp;
}
// CSR writes, mret and wfi may end the block (END_BLOCK): the spec wants interrupts evaluated
// right after them, so no further instruction of the block may run.
constexpr bool ends_block(Group g) { return g == Group::System || g == Group::Csr; }
}  // namespace

template <bool kChecked>
uint64_t Hart::execute_loop(uint64_t budget) {
  // Two labels per op, for its 2-byte (compressed) and 4-byte forms: index 2 * op + (len == 4).
  // Knowing the length statically makes stepping to the next slot a constant add.
  static void* const kLabels[] = {
      &&op_kUndecoded, &&op_kUndecoded, &&op_kIllegal, &&op_kIllegal, &&op_kPageEnd, &&op_kPageEnd,
#define INSN(name, match, mask, fmt, group, body) &&op_##name##_2, &&op_##name##_4,
#include "machine/isa/table.inc"
#undef INSN
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == 2 * static_cast<size_t>(Op::kCount));
#define LABEL_OF(d) kLabels[2 * static_cast<size_t>((d)->op) + ((d)->len == 4)]
  if constexpr (!kChecked) {
    labels_ = kLabels;
    if (budget == 0) return 0;
  }

  uint8_t* const ram = bus_.ram();
  const std::atomic<uint8_t>* const code_pages = bus_.code_page_flags();
  // Copies of the inline-path window the compiler can keep in registers (guest stores could
  // alias the members); refreshed wherever privilege or PMP may change.
  uint64_t window_base = 0, ram_limit = 0;
  uint8_t* window_host = nullptr;
  const std::atomic<uint8_t>* window_code_pages = nullptr;
#define REFRESH_WINDOW()                                                                \
  do {                                                                                  \
    window_base = fast_base_;                                                           \
    ram_limit = fast_limit_;                                                            \
    window_host = ram + (window_base - Bus::kRamBase);                                  \
    window_code_pages = code_pages + ((window_base - Bus::kRamBase) >> Bus::kPageBits); \
  } while (0)
  REFRESH_WINDOW();
  uint64_t pc = this->pc;
  // Steps taken in this block (a trapping instruction takes a step). The budget is checked only
  // where control flow can loop (jumps, page ends, traps): straight-line code is at most a page
  // long, so a block overshoots its budget by less than 2048 instructions, and counts stay exact.
  uint64_t count = 0;
  uint64_t limit = budget;
  uint64_t trapped = 0;
  DecodedPage* page = nullptr;
  uint64_t page_base = 1;  // never a page base: forces a lookup
  // Where PMP does not grant execute on a whole page, each instruction is copied here in front
  // of two sentinels, so the next instruction goes back through the fetch check.
  DecodedInsn single_step[3];
  for (unsigned i = 1; i < 3; ++i) {
    single_step[i].op = Op::kPageEnd;
    single_step[i].handler = LABEL_OF(&single_step[i]);
  }
  const DecodedInsn* d = nullptr;
  uint64_t npc = 0;

// --- operand and effect macros used by the table bodies --------------------------------------
#define H (*this)
#define RD x[d->rd]
#define RS1 x[d->rs1]
#define RS2 x[d->rs2]
#define IMM \
  int64_t { d->imm }
#define PC pc
#define NPC npc
#define LEN \
  uint64_t { kLen }
#define FRD f[d->rd]
#define FRS1 f[d->rs1]
#define FRS2 f[d->rs2]
#define FRS1_S fp::unbox(f[d->rs1])
#define FRS2_S fp::unbox(f[d->rs2])
#define FRS3_S fp::unbox(f[d->rs3])
#define FRS1_D fp::as_double(f[d->rs1])
#define FRS2_D fp::as_double(f[d->rs2])
#define FRS3_D fp::as_double(f[d->rs3])
#define FFLAGS fflags
// The instruction's rounding mode: the rm field, or frm when it is 7 (dynamic). Reserved
// values (5, 6, or frm > 4) make the instruction illegal.
#define RM                                                \
  ({                                                      \
    const unsigned rm_ = d->rm == fp::kDyn ? frm : d->rm; \
    if (rm_ > fp::kRmm) [[unlikely]]                      \
      ILLEGAL();                                          \
    rm_;                                                  \
  })
#define END_BLOCK() (limit = 0)
#define SYNC_COUNTS() (block_executed = count - trapped)
#define TRAP(cause, tval)        \
  do {                           \
    raise_trap((cause), (tval)); \
    goto trap;                   \
  } while (0)
#define ILLEGAL() TRAP(Cause::kIllegalInsn, d->raw)
#define LOAD(T, addr_expr)                             \
  ({                                                   \
    const uint64_t a_ = (addr_expr);                   \
    const uint64_t off_ = a_ - window_base;            \
    T v_;                                              \
    if (off_ < ram_limit) [[likely]] {                 \
      std::memcpy(&v_, window_host + off_, sizeof(T)); \
    } else {                                           \
      SYNC_COUNTS();                                   \
      uint64_t w_;                                     \
      if (!load(a_, sizeof(T), w_)) goto trap;         \
      v_ = static_cast<T>(w_);                         \
    }                                                  \
    static_cast<uint64_t>(v_);                         \
  })
#define STORE(T, addr_expr, value)                                                                \
  do {                                                                                            \
    const uint64_t a_ = (addr_expr);                                                              \
    const uint64_t off_ = a_ - window_base;                                                       \
    const T v_ = static_cast<T>(value);                                                           \
    if (off_ < ram_limit) [[likely]] {                                                            \
      std::memcpy(window_host + off_, &v_, sizeof(T));                                            \
      if (window_code_pages[off_ >> Bus::kPageBits].load(std::memory_order_relaxed)) [[unlikely]] \
        invalidate_code(a_, sizeof(T));                                                           \
    } else {                                                                                      \
      SYNC_COUNTS();                                                                              \
      if (!store(a_, sizeof(T), static_cast<uint64_t>(v_))) goto trap;                            \
      if (end_block_) { /* a device saw it: stop right after this store */                        \
        end_block_ = false;                                                                       \
        pc += kLen;                                                                               \
        goto out;                                                                                 \
      }                                                                                           \
    }                                                                                             \
  } while (0)
#define AMO(T, addr_expr, fn)                                                             \
  ({                                                                                      \
    const uint64_t a_ = (addr_expr);                                                      \
    T* p_ = atomic_target<T>(a_, Cause::kStoreMisaligned, Cause::kStoreAccessFault, 'w'); \
    if (!p_) goto trap;                                                                   \
    std::atomic_ref<T> ref_(*p_);                                                         \
    T old_ = ref_.load();                                                                 \
    while (!ref_.compare_exchange_weak(old_, fn(old_, static_cast<T>(RS2)))) {            \
    }                                                                                     \
    if (bus_.is_code_page(a_ - Bus::kRamBase)) invalidate_code(a_, sizeof(T));            \
    static_cast<uint64_t>(old_);                                                          \
  })
#define LOAD_RESERVED(T, addr_expr)                                                     \
  ({                                                                                    \
    const uint64_t a_ = (addr_expr);                                                    \
    T* p_ = atomic_target<T>(a_, Cause::kLoadMisaligned, Cause::kLoadAccessFault, 'r'); \
    if (!p_) goto trap;                                                                 \
    const T v_ = std::atomic_ref<T>(*p_).load();                                        \
    reservation_valid = true;                                                           \
    reservation_addr = a_;                                                              \
    reservation_value = static_cast<uint64_t>(v_);                                      \
    static_cast<uint64_t>(v_);                                                          \
  })
#define STORE_CONDITIONAL(T, addr_expr, value)                                               \
  ({                                                                                         \
    const uint64_t a_ = (addr_expr);                                                         \
    T* p_ = atomic_target<T>(a_, Cause::kStoreMisaligned, Cause::kStoreAccessFault, 'w');    \
    if (!p_) goto trap;                                                                      \
    uint64_t failed_ = 1;                                                                    \
    if (reservation_valid && reservation_addr == a_) {                                       \
      T expected_ = static_cast<T>(reservation_value);                                       \
      if (std::atomic_ref<T>(*p_).compare_exchange_strong(expected_, static_cast<T>(value))) \
        failed_ = 0;                                                                         \
    }                                                                                        \
    reservation_valid = false;                                                               \
    failed_;                                                                                 \
  })
// Code that is not the machine's own may use the host FPU: pending guest FP flags are folded
// into fflags before it runs and the host flags it leaves behind are discarded (fp.h).
// Reloading MXCSR stalls the host pipeline, so it is only reset when the call changed it.
#define FOREIGN_CALL(stmt)                                           \
  do {                                                               \
    uint32_t host_csr_ = 0;                                          \
    if (fp_) {                                                       \
      host_csr_ = fp::host_csr();                                    \
      fflags |= fp::guest_flags(host_csr_);                          \
    }                                                                \
    stmt;                                                            \
    if (fp_ && fp::host_csr() != host_csr_) fp::reset_host_env();    \
  } while (0)
#define CSR_OP(kind, operand)                                                                     \
  do {                                                                                            \
    SYNC_COUNTS();                                                                                \
    const bool write_ = (kind) == CsrAccess::Write || d->rs1 != 0;                                \
    uint64_t old_ = 0;                                                                            \
    bool ok_;                                                                                     \
    FOREIGN_CALL(ok_ =                                                                            \
                     csr_access(static_cast<uint16_t>(d->imm), (kind), (operand), write_, old_)); \
    if (!ok_) ILLEGAL();                                                                          \
    RD = old_;                                                                                    \
    if (write_) {                                                                                 \
      update_fast_path();                                                                         \
      REFRESH_WINDOW();                                                                           \
      page_base = 1;                                                                              \
      END_BLOCK();                                                                                \
    }                                                                                             \
  } while (0)
#define EBREAK()                                                \
  do {                                                          \
    SYNC_COUNTS();                                              \
    this->pc = pc;                                              \
    bool handled_;                                              \
    FOREIGN_CALL(handled_ = machine_.handle_ebreak(*this, pc)); \
    if (handled_) {                                             \
      END_BLOCK();                                              \
      if (this->pc != pc) npc = this->pc;                       \
    } else {                                                    \
      TRAP(Cause::kBreakpoint, 0);                              \
    }                                                           \
  } while (0)
#define MRET()                                                                               \
  do {                                                                                       \
    if (priv != Priv::M) ILLEGAL();                                                          \
    const uint64_t mpp_ = (mstatus & mstatus::kMpp) >> mstatus::kMppShift;                   \
    priv = mpp_ == 3 ? Priv::M : Priv::U;                                                    \
    mstatus = (mstatus & ~mstatus::kMie) | ((mstatus & mstatus::kMpie) ? mstatus::kMie : 0); \
    mstatus |= mstatus::kMpie;                                                               \
    mstatus &= ~mstatus::kMpp;                                                               \
    if (priv != Priv::M) mstatus &= ~mstatus::kMprv;                                         \
    npc = mepc;                                                                              \
    update_fast_path();                                                                      \
    REFRESH_WINDOW();                                                                        \
    page_base = 1;                                                                           \
    END_BLOCK();                                                                             \
  } while (0)
#define WFI()                                                   \
  do {                                                          \
    if (priv == Priv::U && (mstatus & mstatus::kTw)) ILLEGAL(); \
    if ((pending_interrupts() & mie) == 0) {                    \
      waiting_for_interrupt = true;                             \
      END_BLOCK();                                              \
    }                                                           \
  } while (0)
#define MEMORY_FENCE() std::atomic_thread_fence(std::memory_order_seq_cst)
#define FLUSH_DECODE_CACHE() \
  do {                       \
    flush_decode_cache();    \
    page_base = 1;           \
  } while (0)

#define GO()                              \
  do {                                    \
    if constexpr (kChecked) goto checked; \
    goto * d->handler;                    \
  } while (0)
// Threaded dispatch: every instruction ends in its own copy of one of these, so the host
// predicts each indirect jump from the instruction before it.
#define NEXT_SEQUENTIAL() \
  do {                    \
    pc += kLen;           \
    d += kLen / 2;        \
    ++count;              \
    GO();                 \
  } while (0)
#define NEXT_AT_NPC()                                \
  do {                                               \
    pc = npc;                                        \
    if (count >= limit) [[unlikely]]                 \
      goto out;                                      \
    ++count;                                         \
    if ((pc & ~kPageMask) != page_base) [[unlikely]] \
      goto new_page;                                 \
    d = &page->slots[(pc & kPageMask) >> 1];         \
    GO();                                            \
  } while (0)

  goto first;

op_kPageEnd:
  if (count > limit) {
    --count;  // the step onto the sentinel counted the next page's first instruction
    goto out;
  }
new_page:
  page = decoded_page(pc);
  if (page == nullptr) {
    raise_trap(Cause::kInsnAccessFault, pc);
    goto trap;
  }
  page_base = pc & ~kPageMask;
  d = &page->slots[(pc & kPageMask) >> 1];
  if (!fetch_ok(page_base, 1u << Bus::kPageBits)) {
    page_base = 1;
    if (!fetch_ok(pc, 2)) {
      raise_trap(Cause::kInsnAccessFault, pc);
      goto trap;
    }
    if (d->op == Op::kUndecoded && !fill_slot(pc, page->slots[(pc & kPageMask) >> 1])) goto trap;
    single_step[0] = *d;
    d = &single_step[0];
  }
  GO();

checked:
  __attribute__((unused));
  if (d->op == Op::kPageEnd)
    goto* LABEL_OF(d);  // a sentinel, not an instruction: hooks never see it
  if (d->op == Op::kUndecoded) [[unlikely]] {
    bool filled;
    FOREIGN_CALL(filled = fill_slot(pc, page->slots[(pc & kPageMask) >> 1]));
    if (!filled) goto trap;
  }
  bool allowed;
  if (hooks_use_host_fp_)
    FOREIGN_CALL(allowed = hooks_->before_instruction(*this, *d, pc));
  else
    allowed = hooks_->before_instruction(*this, *d, pc);
  if (!allowed) [[unlikely]] {
    if (machine_.stop_requested()) {
      --count;
      goto out;
    }
    goto trap;
  }
  goto* LABEL_OF(d);

op_kUndecoded:
  if (!fill_slot(pc, page->slots[(pc & kPageMask) >> 1])) goto trap;
  if constexpr (kChecked) goto checked;
  goto* LABEL_OF(d);

op_kIllegal:
  ILLEGAL();

// FP instructions (and FP CSRs, see csr.cpp) are illegal while mstatus.FS is Off; FP
// arithmetic and loads mark the FP state Dirty (conservatively for those that only write an
// integer register or fflags, which the privileged spec allows).
#define FP_STATE_CHECK(group)                                              \
  if constexpr (is_fp_group(Group::group)) {                               \
    if ((mstatus & mstatus::kFs) == 0) [[unlikely]]                        \
      ILLEGAL();                                                           \
    if constexpr (Group::group != Group::FpStore) mstatus |= mstatus::kFs; \
  }
#define INSN_BODY(group, body)                       \
  {                                                  \
    FP_STATE_CHECK(group)                            \
    if constexpr (may_jump(Group::group)) {          \
      npc = pc + kLen;                               \
      body if constexpr (ends_block(Group::group)) { \
        if (limit == 0) NEXT_AT_NPC();               \
      }                                              \
      if (npc == pc + kLen) NEXT_SEQUENTIAL();       \
      NEXT_AT_NPC();                                 \
    } else {                                         \
      body NEXT_SEQUENTIAL();                        \
    }                                                \
  }
#define INSN(name, match, mask, fmt, group, body) \
  op_##name##_2 : {                               \
    constexpr unsigned kLen = 2;                  \
    INSN_BODY(group, body)                        \
  }                                               \
  op_##name##_4 : {                               \
    constexpr unsigned kLen = 4;                  \
    INSN_BODY(group, body)                        \
  }
#include "machine/isa/table.inc"
#undef INSN
#undef INSN_BODY
#undef FP_STATE_CHECK

trap:
  ++trapped;
  SYNC_COUNTS();
  if constexpr (kChecked)
    FOREIGN_CALL(take_trap(pending_cause_, pending_tval_, pc));
  else
    take_trap(pending_cause_, pending_tval_, pc);
  pc = this->pc;
  REFRESH_WINDOW();
  page_base = 1;
  if (machine_.stop_requested()) goto out;
first:
  npc = pc;
  NEXT_AT_NPC();

out:
  if (fp_) fp::fold_host_flags(fflags);
  this->pc = pc;
  const uint64_t retired = count - trapped;
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
#undef FRD
#undef FRS1
#undef FRS2
#undef FRS1_S
#undef FRS2_S
#undef FRS3_S
#undef FRS1_D
#undef FRS2_D
#undef FRS3_D
#undef FFLAGS
#undef RM
#undef END_BLOCK
#undef SYNC_COUNTS
#undef TRAP
#undef ILLEGAL
#undef LOAD
#undef STORE
#undef AMO
#undef LOAD_RESERVED
#undef STORE_CONDITIONAL
#undef FOREIGN_CALL
#undef CSR_OP
#undef EBREAK
#undef MRET
#undef WFI
#undef MEMORY_FENCE
#undef FLUSH_DECODE_CACHE
#undef GO
#undef NEXT_SEQUENTIAL
#undef NEXT_AT_NPC
#undef LABEL_OF
#undef REFRESH_WINDOW
}

uint64_t Hart::execute(uint64_t budget) {
  // Pending guest FP flags live in the host's sticky flags during a block (fp.h); host code
  // between blocks may have raised some.
  if (fp_) fp::reset_host_env();
  return hooks_ ? execute_loop<true>(budget) : execute_loop<false>(budget);
}

}  // namespace unitag
