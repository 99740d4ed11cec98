// The CSR file of an M+S+U hart: the behaviours that csr_table.inc's rows name, the table itself,
// and the access rules (privilege, read-only, WARL) applied through it.
#include <array>
#include <cctype>
#include <string_view>
#include <type_traits>

#include "machine/hart/csr_table.h"
#include "machine/hart/hart.h"
#include "machine/isa/fp.h"
#include "machine/machine.h"

namespace unitag {
namespace {

using namespace csr;

constexpr uint64_t kAll = ~uint64_t{0};
constexpr uint64_t ext(char c) { return 1ull << (c - 'A'); }
constexpr uint64_t kMisaBase =
    (2ull << 62) | ext('I') | ext('M') | ext('A') | ext('C') | ext('S') | ext('U');
// FS is writable only with an FPU (write_mstatus).
constexpr uint64_t kMstatusWritable = mstatus::kSie | mstatus::kMie | mstatus::kSpie |
                                      mstatus::kMpie | mstatus::kSpp | mstatus::kMpp |
                                      mstatus::kMprv | mstatus::kSum | mstatus::kMxr |
                                      mstatus::kTvm | mstatus::kTw | mstatus::kTsr | mstatus::kFs;
constexpr uint64_t kSstatusWritable = mstatus::kSstatusView;
constexpr uint64_t kMieWritable = irq::kMsip | irq::kMtip | irq::kMeip | irq::kSupervisor;
// Exceptions S-mode can be handed: all but ecall from M (11) and the reserved codes.
constexpr uint64_t kMedelegWritable = 0x3ff | (1ull << Cause::kInsnPageFault) |
                                      (1ull << Cause::kLoadPageFault) |
                                      (1ull << Cause::kStorePageFault);
constexpr uint64_t kEnvcfgFiom = 1;  // fence.i/I/O ordering: the only field without an extension
constexpr uint64_t kSatpModeSv39 = 8;
constexpr uint64_t kPmpcfgWritable = 0x9f9f9f9f9f9f9f9full;  // per entry: L, A, X, W, R
constexpr uint64_t kPmpaddrWritable = (1ull << 54) - 1;      // physical address bits 55:2
constexpr uint8_t kPmpLocked = 0x80;
constexpr unsigned kPmpEntries = std::extent_v<decltype(Hart::pmpaddr)>;

// --- when a CSR exists -----------------------------------------------------------------------

bool fp_enabled(const Hart& h, uint16_t) {
  return h.has_fp() && (h.mstatus & mstatus::kFs) != mstatus::kFsOff;
}
// cycle, time, instret and hpmcounterN: S-mode may read them when mcounteren's bit N is set,
// U-mode when scounteren's is set too.
bool counter_enabled(const Hart& h, uint16_t n) {
  const unsigned bit = n - kCycle;
  if (h.priv == Priv::M) return true;
  if (!((h.mcounteren >> bit) & 1)) return false;
  return h.priv == Priv::S || (h.scounteren >> bit) & 1;
}
bool satp_allowed(const Hart& h, uint16_t) {
  return !(h.priv == Priv::S && (h.mstatus & mstatus::kTvm));
}
bool even_pmpcfg(const Hart&, uint16_t n) { return (n & 1) == 0; }  // RV64 has no odd pmpcfg

// --- reads -----------------------------------------------------------------------------------

template <auto Field>
uint64_t get(Hart& h, uint16_t) {
  return h.*Field;
}
uint64_t read_zero(Hart&, uint16_t) { return 0; }
uint64_t read_fcsr(Hart& h, uint16_t) { return h.frm << 5 | h.fflags; }
uint64_t retired(const Hart& h) { return h.instret + h.block_executed; }
uint64_t read_cycle(Hart& h, uint16_t) { return retired(h) + h.extra_cycles + h.cycle_offset; }
uint64_t read_instret(Hart& h, uint16_t) { return retired(h) + h.instret_offset; }
uint64_t read_time(Hart& h, uint16_t) { return h.machine().mtime(h); }
uint64_t read_hartid(Hart& h, uint16_t) { return h.id(); }
uint64_t read_misa(Hart& h, uint16_t) { return kMisaBase | (h.has_fp() ? ext('F') | ext('D') : 0); }
uint64_t read_mip(Hart& h, uint16_t) { return h.mip = h.pending_interrupts(); }
uint64_t read_sip(Hart& h, uint16_t n) { return read_mip(h, n) & h.mideleg; }
uint64_t read_sie(Hart& h, uint16_t) { return h.mie & h.mideleg; }

uint64_t with_sd(uint64_t s) { return (s & mstatus::kFs) == mstatus::kFs ? s | mstatus::kSd : s; }
uint64_t read_mstatus(Hart& h, uint16_t) {
  return with_sd(h.mstatus | mstatus::kUxl | mstatus::kSxl);
}
uint64_t read_sstatus(Hart& h, uint16_t) {
  return with_sd((h.mstatus & mstatus::kSstatusView) | mstatus::kUxl);
}

// pmpcfgN holds entries 4N..4N+7 (N even), one byte each.
uint64_t read_pmpcfg(Hart& h, uint16_t n) {
  const unsigned first = (n - kPmpcfg0) * 4;
  uint64_t v = 0;
  if (first < kPmpEntries)
    for (unsigned i = 0; i < 8; ++i) v |= uint64_t{h.pmpcfg[first + i]} << (8 * i);
  return v;
}
uint64_t read_pmpaddr(Hart& h, uint16_t n) {
  const unsigned i = n - kPmpaddr0;
  return i < kPmpEntries ? h.pmpaddr[i] : 0;
}

// --- writes (`v` holds only the row's writable bits) ------------------------------------------

template <auto Field>
void set(Hart& h, uint16_t, uint64_t v) {
  h.*Field = static_cast<std::remove_reference_t<decltype(h.*Field)>>(v);
}
void ignore_write(Hart&, uint16_t, uint64_t) {}

void fp_status_written(Hart& h) {
  h.mstatus |= mstatus::kFs;  // Dirty
  fp::reset_host_env();       // keep the host's sticky flags a subset of fflags (fp.h)
}
void write_fflags(Hart& h, uint16_t, uint64_t v) {
  h.fflags = static_cast<uint32_t>(v);
  fp_status_written(h);
}
void write_frm(Hart& h, uint16_t, uint64_t v) {
  h.frm = static_cast<uint32_t>(v);
  fp_status_written(h);
}
void write_fcsr(Hart& h, uint16_t, uint64_t v) {
  h.fflags = static_cast<uint32_t>(v & 0x1f);
  h.frm = static_cast<uint32_t>(v >> 5);
  fp_status_written(h);
}

// The CSR instruction itself retires after the write, so count it in: the next read sees `v`.
void write_mcycle(Hart& h, uint16_t, uint64_t v) {
  h.cycle_offset = v - (retired(h) + 1 + h.extra_cycles);
}
void write_minstret(Hart& h, uint16_t, uint64_t v) { h.instret_offset = v - (retired(h) + 1); }

void write_mstatus(Hart& h, uint16_t, uint64_t v) {
  const uint64_t writable = kMstatusWritable & (h.has_fp() ? kAll : ~mstatus::kFs);
  uint64_t s = (h.mstatus & ~writable) | (v & writable);
  const uint64_t mpp = (s & mstatus::kMpp) >> mstatus::kMppShift;
  if (mpp == 2) s = (s & ~mstatus::kMpp) | (h.mstatus & mstatus::kMpp);  // WARL: no H-mode
  h.mstatus = s;
}

void write_sstatus(Hart& h, uint16_t n, uint64_t v) {
  write_mstatus(h, n, (h.mstatus & ~kSstatusWritable) | v);
}
// S software sees and sets only the delegated interrupts.
void write_sie(Hart& h, uint16_t, uint64_t v) { h.mie = (h.mie & ~h.mideleg) | (v & h.mideleg); }
void write_sip(Hart& h, uint16_t, uint64_t v) {
  const uint64_t mask = irq::kSsip & h.mideleg;
  h.mip_software = (h.mip_software & ~mask) | (v & mask);
}
// Only the software-writable SEIP takes part in a csrrs/csrrc (privileged spec 3.1.9): reads OR
// in the PLIC's line, so a write that leaves SEIP as it was just read keeps the software bit;
// otherwise any read-modify-write of mip (OpenSBI's clearing STIP) latches the line for good.
void write_mip(Hart& h, uint16_t, uint64_t v) {
  const uint64_t seip = (v ^ h.mip) & irq::kSeip ? v : h.mip_software;
  h.mip_software = (v & ~irq::kSeip) | (seip & irq::kSeip);
}

// Modes 2 and 3 are reserved: such a write keeps the old mode.
uint64_t warl_tvec(uint64_t old, uint64_t v) {
  return (v & 3) < 2 ? v : (v & ~uint64_t{3}) | (old & 3);
}
void write_mtvec(Hart& h, uint16_t, uint64_t v) { h.mtvec = warl_tvec(h.mtvec, v); }
void write_stvec(Hart& h, uint16_t, uint64_t v) { h.stvec = warl_tvec(h.stvec, v); }

// Bare and Sv39 only: a write asking for another mode changes nothing (as QEMU does).
void write_satp(Hart& h, uint16_t, uint64_t v) {
  const uint64_t mode = v >> 60;
  if (mode == 0 || mode == kSatpModeSv39) h.satp = v;
}

void write_pmpcfg(Hart& h, uint16_t n, uint64_t v) {
  const unsigned first = (n - kPmpcfg0) * 4;
  if (first < kPmpEntries) {
    for (unsigned i = 0; i < 8; ++i) {
      if (h.pmpcfg[first + i] & kPmpLocked) continue;  // locked until reset
      uint8_t c = static_cast<uint8_t>(v >> (8 * i));
      if ((c & 3) == 2) c &= ~2;  // W without R is reserved
      h.pmpcfg[first + i] = c;
    }
  }
  h.update_fast_path();
}
void write_pmpaddr(Hart& h, uint16_t n, uint64_t v) {
  const unsigned i = n - kPmpaddr0;
  if (i >= kPmpEntries) return;
  // A locked TOR entry also locks the address below it, its range's base.
  const bool next_locks_tor =
      i + 1 < kPmpEntries && (h.pmpcfg[i + 1] & kPmpLocked) && ((h.pmpcfg[i + 1] >> 3) & 3) == 1;
  if (!(h.pmpcfg[i] & kPmpLocked) && !next_locks_tor) h.pmpaddr[i] = v;
}

// --- the table -------------------------------------------------------------------------------

constexpr Priv U = Priv::U, S = Priv::S, M = Priv::M;
constexpr CsrRow kRows[] = {
#define CSR(name, first, last, priv, available, read, write, writable) \
  {#name, first, last, priv, available, read, write, writable},
#include "machine/hart/csr_table.inc"
#undef CSR
};
static_assert(std::size(kRows) < 255, "the index below stores row + 1 in a byte");
// Which rows leave out their read or write behaviour, told by the type of the table's entry (a
// function pointer's value is not a constant expression in sanitizer builds).
#define CSR(name, first, last, priv, available, read, write, writable) \
  std::is_same_v<decltype(write), std::nullptr_t>,
constexpr bool kReadOnly[] = {
#include "machine/hart/csr_table.inc"
};
#undef CSR
#define CSR(name, first, last, priv, available, read, write, writable) \
  std::is_same_v<decltype(read), std::nullptr_t>,
constexpr bool kNoRead[] = {
#include "machine/hart/csr_table.inc"
};
#undef CSR

// Row + 1 for every CSR number (0: none), built at compile time. Building it also checks the
// rules every row must keep, so a wrong new row fails to compile.
constexpr std::array<uint8_t, 4096> kIndex = [] {
  std::array<uint8_t, 4096> index{};
  for (size_t r = 0; r < std::size(kRows); ++r) {
    const CsrRow& row = kRows[r];
    if (row.first > row.last || row.last >= index.size()) throw "CSR row: bad number range";
    if (((row.first >> 8) & 3) != static_cast<unsigned>(row.priv) ||
        ((row.last >> 8) & 3) != static_cast<unsigned>(row.priv))
      throw "CSR row: privilege differs from the number's bits 9:8";
    if (((row.first >> 10) == 3) != kReadOnly[r] || (row.first >> 10) != (row.last >> 10))
      throw "CSR row: exactly the numbers with bits 11:10 == 0b11 are read-only";
    if (kNoRead[r]) throw "CSR row: no read behaviour";
    for (unsigned n = row.first; n <= row.last; ++n) {
      if (index[n] != 0) throw "CSR row: number already in another row";
      index[n] = static_cast<uint8_t>(r + 1);
    }
  }
  return index;
}();

bool available(const CsrRow& row, const Hart& h, uint16_t n) {
  return row.available == nullptr || row.available(h, n);
}

}  // namespace

std::span<const CsrRow> csr_rows() { return kRows; }

const CsrRow* find_csr(uint16_t number) {
  if (number >= kIndex.size() || kIndex[number] == 0) return nullptr;
  return &kRows[kIndex[number] - 1];
}

std::string csr_name(uint16_t number) {
  const CsrRow* row = find_csr(number);
  if (!row) return {};
  const std::string_view name = row->name;
  if (row->first == row->last) return std::string(name);
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  unsigned first_index = 0;
  for (char c : name.substr(digits)) first_index = first_index * 10 + (c - '0');
  return std::string(name.substr(0, digits)) + std::to_string(first_index + (number - row->first));
}

bool Hart::csr_read(uint16_t n, uint64_t& v) {
  const CsrRow* row = find_csr(n);
  if (!row || !available(*row, *this, n)) return false;
  v = row->read(*this, n);
  return true;
}

bool Hart::csr_write(uint16_t n, uint64_t v) {
  const CsrRow* row = find_csr(n);
  if (!row || !row->write || !available(*row, *this, n)) return false;
  row->write(*this, n, v & row->writable);
  return true;
}

bool Hart::csr_access(uint16_t n, CsrAccess kind, uint64_t operand, bool write, uint64_t& old) {
  const CsrRow* row = find_csr(n);
  if (!row || static_cast<unsigned>(priv) < static_cast<unsigned>(row->priv)) return false;
  if (write && !row->write) return false;  // read-only CSR
  if (!csr_read(n, old)) return false;
  if (!write) return true;
  const uint64_t value = kind == CsrAccess::Write ? operand
                         : kind == CsrAccess::Set ? (old | operand)
                                                  : (old & ~operand);
  return csr_write(n, value);
}

}  // namespace unitag
