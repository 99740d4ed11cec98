// Lazy FP context switching (see fpu.h). Compiled to nothing for the rv64imac/lp64 build.
#include "arch/riscv64/fpu.h"

#if defined(__riscv_flen)
#include <stdlib.h>

#include "arch/riscv64/csr.h"
#include "core/sched.h"
#include "core/trap_frame.h"

namespace uk::fpu {
namespace {

void save(FpState* s) {
  __asm__ volatile(
      "fsd f0, 0(%0)\n fsd f1, 8(%0)\n fsd f2, 16(%0)\n fsd f3, 24(%0)\n"
      "fsd f4, 32(%0)\n fsd f5, 40(%0)\n fsd f6, 48(%0)\n fsd f7, 56(%0)\n"
      "fsd f8, 64(%0)\n fsd f9, 72(%0)\n fsd f10, 80(%0)\n fsd f11, 88(%0)\n"
      "fsd f12, 96(%0)\n fsd f13, 104(%0)\n fsd f14, 112(%0)\n fsd f15, 120(%0)\n"
      "fsd f16, 128(%0)\n fsd f17, 136(%0)\n fsd f18, 144(%0)\n fsd f19, 152(%0)\n"
      "fsd f20, 160(%0)\n fsd f21, 168(%0)\n fsd f22, 176(%0)\n fsd f23, 184(%0)\n"
      "fsd f24, 192(%0)\n fsd f25, 200(%0)\n fsd f26, 208(%0)\n fsd f27, 216(%0)\n"
      "fsd f28, 224(%0)\n fsd f29, 232(%0)\n fsd f30, 240(%0)\n fsd f31, 248(%0)\n"
      "frcsr t0\n sd t0, 256(%0)\n" ::"r"(s)
      : "t0", "memory");
}

void restore(const FpState* s) {
  __asm__ volatile(
      "fld f0, 0(%0)\n fld f1, 8(%0)\n fld f2, 16(%0)\n fld f3, 24(%0)\n"
      "fld f4, 32(%0)\n fld f5, 40(%0)\n fld f6, 48(%0)\n fld f7, 56(%0)\n"
      "fld f8, 64(%0)\n fld f9, 72(%0)\n fld f10, 80(%0)\n fld f11, 88(%0)\n"
      "fld f12, 96(%0)\n fld f13, 104(%0)\n fld f14, 112(%0)\n fld f15, 120(%0)\n"
      "fld f16, 128(%0)\n fld f17, 136(%0)\n fld f18, 144(%0)\n fld f19, 152(%0)\n"
      "fld f20, 160(%0)\n fld f21, 168(%0)\n fld f22, 176(%0)\n fld f23, 184(%0)\n"
      "fld f24, 192(%0)\n fld f25, 200(%0)\n fld f26, 208(%0)\n fld f27, 216(%0)\n"
      "fld f28, 224(%0)\n fld f29, 232(%0)\n fld f30, 240(%0)\n fld f31, 248(%0)\n"
      "ld t0, 256(%0)\n fscsr t0\n" ::"r"(s)
      : "t0", "memory");
}

bool is_fp_instruction(uint32_t insn) {
  if ((insn & 3) != 3) {  // compressed: c.fld/c.fsd (quadrant 0) and c.fldsp/c.fsdsp (quadrant 2)
    const unsigned quadrant = insn & 3, funct3 = (insn >> 13) & 7;
    return (quadrant == 0 || quadrant == 2) && (funct3 == 1 || funct3 == 5);
  }
  switch (insn & 0x7f) {
    case 0x07:
    case 0x27:
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
    case 0x53:
      return true;
    case 0x73: {  // CSR access to fflags, frm, fcsr
      const unsigned csr = insn >> 20, funct3 = (insn >> 12) & 7;
      return funct3 != 0 && funct3 != 4 && csr >= 1 && csr <= 3;
    }
    default:
      return false;
  }
}

}  // namespace

void switch_out(uk_thread* prev) {
  if ((UK_CSR_READ(mstatus) & arch::kMstatusFs) == arch::kMstatusFsDirty && prev->fp)
    save(prev->fp);
}

void switch_in(uk_thread* next) {
  if (next->fp_used && next->fp) {
    UK_CSR_SET(mstatus, arch::kMstatusFsInitial);
    restore(next->fp);
    UK_CSR_CLEAR(mstatus, arch::kMstatusFs);
    UK_CSR_SET(mstatus, arch::kMstatusFsClean);
  } else {
    UK_CSR_CLEAR(mstatus, arch::kMstatusFs);
  }
}

bool handle_first_use(TrapFrame* frame) {
  if ((frame->mstatus & arch::kMstatusFs) != 0) return false;
  uint32_t insn = uint32_t(frame->mtval);
  if (insn == 0) insn = *reinterpret_cast<const uint16_t*>(frame->mepc);
  if (!is_fp_instruction(insn)) return false;
  uk_thread* self = this_cpu()->current;
  if (!self->fp) {
    self->fp = static_cast<FpState*>(calloc(1, sizeof(FpState)));
    if (!self->fp) return false;
  }
  self->fp_used = true;
  UK_CSR_SET(mstatus, arch::kMstatusFsInitial);
  restore(self->fp);  // zeroed registers, as FS = Initial promises
  frame->mstatus = (frame->mstatus & ~arch::kMstatusFs) | arch::kMstatusFsClean;
  return true;
}

}  // namespace uk::fpu
#endif
