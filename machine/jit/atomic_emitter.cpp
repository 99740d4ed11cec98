#include "machine/jit/atomic_emitter.h"

#include <atomic>

#include "machine/hart/hart.h"
#include "machine/isa/arith.h"
#include "machine/jit/table_rows.h"

namespace unitag::jit {
namespace {

struct AtomicFields {
  uint8_t rd, rs1, rs2;
  static uint64_t pack(const DecodedInsn& d) {
    return uint64_t{d.rd} | uint64_t{d.rs1} << 8 | uint64_t{d.rs2} << 16;
  }
  static AtomicFields unpack(uint64_t p) {
    return {static_cast<uint8_t>(p), static_cast<uint8_t>(p >> 8), static_cast<uint8_t>(p >> 16)};
  }
};

}  // namespace

// The table's rv64a bodies with the execute loop's macros over the host pointer path only. The
// interpreter's order is kept: alignment and permission (atomic_target) before any effect. A
// false return has changed nothing architectural (atomic_target only notes a pending trap,
// which the interpreter raises itself when it runs the instruction).
#define RD h.x[d.rd]
#define RS1 h.x[d.rs1]
#define RS2 h.x[d.rs2]
#define RAM_TARGET(T, addr, misaligned, fault, kind)                                           \
  ({                                                                                           \
    T* p_ = h.template atomic_target<T>(addr, misaligned, fault, kind);                        \
    if (p_ == nullptr || h.bus_.is_code_page(h.physical_of(p_) - Bus::kRamBase)) return false; \
    p_;                                                                                        \
  })
#define AMO(T, addr_expr, fn)                                                           \
  ({                                                                                    \
    std::atomic_ref<T> ref_(*RAM_TARGET(T, (addr_expr), Cause::kStoreMisaligned,        \
                                        Cause::kStoreAccessFault, AccessKind::kWrite)); \
    T old_ = ref_.load();                                                               \
    while (!ref_.compare_exchange_weak(old_, fn(old_, static_cast<T>(RS2)))) {          \
    }                                                                                   \
    static_cast<uint64_t>(old_);                                                        \
  })
#define LOAD_RESERVED(T, addr_expr)                                                          \
  ({                                                                                         \
    const uint64_t a_ = (addr_expr);                                                         \
    const T v_ = std::atomic_ref<T>(*RAM_TARGET(T, a_, Cause::kLoadMisaligned,               \
                                                Cause::kLoadAccessFault, AccessKind::kRead)) \
                     .load();                                                                \
    h.reservation_valid = true;                                                              \
    h.reservation_addr = a_;                                                                 \
    h.reservation_value = static_cast<uint64_t>(v_);                                         \
    static_cast<uint64_t>(v_);                                                               \
  })
#define STORE_CONDITIONAL(T, addr_expr, value)                                                    \
  ({                                                                                              \
    const uint64_t a_ = (addr_expr);                                                              \
    T* p_ =                                                                                       \
        RAM_TARGET(T, a_, Cause::kStoreMisaligned, Cause::kStoreAccessFault, AccessKind::kWrite); \
    uint64_t failed_ = 1;                                                                         \
    if (h.reservation_valid && h.reservation_addr == a_) {                                        \
      T expected_ = static_cast<T>(h.reservation_value);                                          \
      if (std::atomic_ref<T>(*p_).compare_exchange_strong(expected_, static_cast<T>(value)))      \
        failed_ = 0;                                                                              \
    }                                                                                             \
    h.reservation_valid = false;                                                                  \
    failed_;                                                                                      \
  })
template <Op O>
bool AtomicHelpers::run(Hart* hart, uint64_t operands) {
  Hart& h = *hart;
  const AtomicFields d = AtomicFields::unpack(operands);
#define INSN UNITAG_JIT_ROW_IF
#include "machine/isa/rv64a.inc"
#undef INSN
  return false;
}
#undef RD
#undef RS1
#undef RS2
#undef RAM_TARGET
#undef AMO
#undef LOAD_RESERVED
#undef STORE_CONDITIONAL

namespace {

using Helper = bool (*)(Hart*, uint64_t);
Helper helper_of(Op op) {
  switch (op) {
#define INSN(name, match, mask, fmt, group, body) \
  case Op::name:                                  \
    return &AtomicHelpers::run<Op::name>;
#include "machine/isa/rv64a.inc"
#undef INSN
    default:
      return nullptr;
  }
}

}  // namespace

bool translates_atomic(const DecodedInsn& d) { return helper_of(d.op) != nullptr; }

void emit_atomic(Xbyak::CodeGenerator& c, const BlockRegs& regs, const DecodedInsn& d,
                 const Xbyak::Label& hand_back) {
  emit_call_or_hand_back(c, regs, reinterpret_cast<const void*>(helper_of(d.op)),
                         AtomicFields::pack(d), hand_back);
}

}  // namespace unitag::jit
