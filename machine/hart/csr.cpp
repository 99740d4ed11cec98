// The CSR file of an M+U hart: which CSRs exist, who may access them, and their WARL rules.
#include <fmt/format.h>

#include "machine/hart/hart.h"
#include "machine/isa/fp.h"
#include "machine/machine.h"

namespace unitag {
namespace {

constexpr uint64_t ext(char c) { return 1ull << (c - 'A'); }
constexpr uint64_t kMisaBase = (2ull << 62) | ext('I') | ext('M') | ext('A') | ext('C') | ext('U');
constexpr uint64_t kMstatusWritable =
    mstatus::kMie | mstatus::kMpie | mstatus::kMpp | mstatus::kMprv | mstatus::kTw;
constexpr uint64_t kMieWritable = irq::kMsip | irq::kMtip | irq::kMeip;

}  // namespace

bool Hart::csr_read(uint16_t n, uint64_t& v) {
  const uint64_t retired = instret + block_executed;
  auto counter_allowed = [&](unsigned bit) { return priv == Priv::M || (mcounteren >> bit) & 1; };
  switch (n) {
    case csr::kFflags:
    case csr::kFrm:
    case csr::kFcsr:
      if (!fp_ || (mstatus & mstatus::kFs) == 0) return false;
      v = n == csr::kFflags ? fflags : n == csr::kFrm ? frm : (frm << 5 | fflags);
      return true;
    case csr::kCycle:
      if (!counter_allowed(0)) return false;
      [[fallthrough]];
    case csr::kMcycle:
      v = retired + extra_cycles + cycle_offset;
      return true;
    case csr::kTime:
      if (!counter_allowed(1)) return false;
      v = machine_.mtime(*this);
      return true;
    case csr::kInstret:
      if (!counter_allowed(2)) return false;
      [[fallthrough]];
    case csr::kMinstret:
      v = retired + instret_offset;
      return true;
    case csr::kMvendorid:
    case csr::kMarchid:
    case csr::kMimpid:
    case csr::kMconfigptr:
      v = 0;
      return true;
    case csr::kMhartid:
      v = id_;
      return true;
    case csr::kMstatus: {
      uint64_t s = mstatus | mstatus::kUxl;
      if ((s & mstatus::kFs) == mstatus::kFs) s |= mstatus::kSd;
      v = s;
      return true;
    }
    case csr::kMisa:
      v = kMisaBase | (fp_ ? ext('F') | ext('D') : 0);
      return true;
    case csr::kMie:
      v = mie;
      return true;
    case csr::kMip:
      v = mip = pending_interrupts();
      return true;
    case csr::kMtvec:
      v = mtvec;
      return true;
    case csr::kMcounteren:
      v = mcounteren;
      return true;
    case csr::kMcountinhibit:
      v = mcountinhibit;
      return true;
    case csr::kMscratch:
      v = mscratch;
      return true;
    case csr::kMepc:
      v = mepc;
      return true;
    case csr::kMcause:
      v = mcause;
      return true;
    case csr::kMtval:
      v = mtval;
      return true;
    case csr::kTselect:
      v = tselect;
      return true;
    default:
      break;
  }
  if (n >= csr::kHpmCounter3 && n <= csr::kHpmCounter31) {
    if (!counter_allowed(n - csr::kCycle)) return false;
    v = 0;
    return true;
  }
  if ((n >= csr::kMhpmcounter3 && n <= csr::kMhpmcounter31) ||
      (n >= csr::kMhpmevent3 && n <= csr::kMhpmevent31) ||
      (n > csr::kTselect && n <= csr::kTdata3)) {
    v = 0;  // no hardware performance monitors, no debug triggers (tdata1 type 0)
    return true;
  }
  if (n >= csr::kPmpcfg0 && n <= csr::kPmpcfg15) {
    if (n & 1) return false;  // RV64 has only the even pmpcfg registers
    const unsigned first = (n - csr::kPmpcfg0) * 4;
    v = 0;
    if (first < 16)
      for (unsigned i = 0; i < 8; ++i) v |= uint64_t{pmpcfg[first + i]} << (8 * i);
    return true;
  }
  if (n >= csr::kPmpaddr0 && n <= csr::kPmpaddr63) {
    const unsigned i = n - csr::kPmpaddr0;
    v = i < 16 ? pmpaddr[i] : 0;
    return true;
  }
  return false;
}

bool Hart::csr_write(uint16_t n, uint64_t v) {
  switch (n) {
    case csr::kFflags:
    case csr::kFrm:
    case csr::kFcsr:
      if (!fp_ || (mstatus & mstatus::kFs) == 0) return false;
      if (n == csr::kFflags)
        fflags = v & 0x1f;
      else if (n == csr::kFrm)
        frm = v & 7;
      else {
        fflags = v & 0x1f;
        frm = (v >> 5) & 7;
      }
      mstatus |= mstatus::kFs;  // Dirty
      fp::reset_host_env();     // keep the host's sticky flags a subset of fflags (fp.h)
      return true;
    case csr::kMcycle:
      cycle_offset = v - (instret + block_executed + 1 + extra_cycles);
      return true;
    case csr::kMinstret:
      instret_offset = v - (instret + block_executed + 1);
      return true;
    case csr::kMstatus: {
      uint64_t writable = kMstatusWritable | (fp_ ? mstatus::kFs : 0);
      uint64_t s = (mstatus & ~writable) | (v & writable);
      const uint64_t mpp = (s & mstatus::kMpp) >> mstatus::kMppShift;
      if (mpp != 0 && mpp != 3) s = (s & ~mstatus::kMpp) | (mstatus & mstatus::kMpp);  // WARL
      mstatus = s;
      return true;
    }
    case csr::kMisa:
      return true;  // WARL, not writable
    case csr::kMie:
      mie = v & kMieWritable;
      return true;
    case csr::kMip:
      return true;  // MSIP/MTIP mirror the CLINT; nothing else exists
    case csr::kMtvec:
      if ((v & 3) < 2)
        mtvec = v;
      else
        mtvec = (v & ~uint64_t{3}) | (mtvec & 3);
      return true;
    case csr::kMcounteren:
      mcounteren = v & 0xffffffff;
      return true;
    case csr::kMcountinhibit:
      mcountinhibit = v & 0xfffffffd;
      return true;
    case csr::kMscratch:
      mscratch = v;
      return true;
    case csr::kMepc:
      mepc = v & ~uint64_t{1};
      return true;
    case csr::kMcause:
      mcause = v;
      return true;
    case csr::kMtval:
      mtval = v;
      return true;
    case csr::kTselect:
      tselect = v;
      return true;
    default:
      break;
  }
  if ((n >= csr::kMhpmcounter3 && n <= csr::kMhpmcounter31) ||
      (n >= csr::kMhpmevent3 && n <= csr::kMhpmevent31) || (n > csr::kTselect && n <= csr::kTdata3))
    return true;
  if (n >= csr::kPmpcfg0 && n <= csr::kPmpcfg15) {
    if (n & 1) return false;
    const unsigned first = (n - csr::kPmpcfg0) * 4;
    if (first < 16) {
      for (unsigned i = 0; i < 8; ++i) {
        if (pmpcfg[first + i] & 0x80) continue;  // locked until reset
        uint8_t c = static_cast<uint8_t>(v >> (8 * i)) & 0x9f;
        if ((c & 3) == 2) c &= ~2;  // W without R is reserved
        pmpcfg[first + i] = c;
      }
    }
    update_fast_path();
    return true;
  }
  if (n >= csr::kPmpaddr0 && n <= csr::kPmpaddr63) {
    const unsigned i = n - csr::kPmpaddr0;
    if (i >= 16) return true;
    const bool locked = (pmpcfg[i] & 0x80) ||
                        (i + 1 < 16 && (pmpcfg[i + 1] & 0x80) && ((pmpcfg[i + 1] >> 3) & 3) == 1);
    if (!locked) pmpaddr[i] = v & ((1ull << 54) - 1);
    return true;
  }
  return false;
}

bool Hart::csr_access(uint16_t n, CsrAccess kind, uint64_t operand, bool write, uint64_t& old) {
  if (static_cast<unsigned>(priv) < ((n >> 8) & 3u)) return false;
  if (write && (n >> 10) == 3) return false;  // read-only CSR
  if (!csr_read(n, old)) return false;
  if (!write) return true;
  const uint64_t value = kind == CsrAccess::Write ? operand
                         : kind == CsrAccess::Set ? (old | operand)
                                                  : (old & ~operand);
  return csr_write(n, value);
}

}  // namespace unitag
