// CSR numbers, mstatus/mip bits and trap causes of the M+S+U privileged architecture.
#pragma once

#include <cstdint>

namespace unitag {

enum class Priv : uint8_t { U = 0, S = 1, M = 3 };

enum class CsrAccess : uint8_t { Write, Set, Clear };

// CSR numbers, for code that names a CSR; what each one does is its row in csr_table.inc.
namespace csr {
inline constexpr uint16_t kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003;
inline constexpr uint16_t kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02;
inline constexpr uint16_t kHpmCounter3 = 0xc03, kHpmCounter31 = 0xc1f;
inline constexpr uint16_t kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13, kMhartid = 0xf14,
                          kMconfigptr = 0xf15;
inline constexpr uint16_t kMstatus = 0x300, kMisa = 0x301, kMie = 0x304, kMtvec = 0x305,
                          kMcounteren = 0x306, kMcountinhibit = 0x320;
inline constexpr uint16_t kMhpmevent3 = 0x323, kMhpmevent31 = 0x33f;
inline constexpr uint16_t kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343,
                          kMip = 0x344;
inline constexpr uint16_t kPmpcfg0 = 0x3a0, kPmpcfg15 = 0x3af, kPmpaddr0 = 0x3b0,
                          kPmpaddr63 = 0x3ef;
inline constexpr uint16_t kMcycle = 0xb00, kMinstret = 0xb02, kMhpmcounter3 = 0xb03,
                          kMhpmcounter31 = 0xb1f;
inline constexpr uint16_t kTselect = 0x7a0, kTdata1 = 0x7a1, kTdata3 = 0x7a3;
inline constexpr uint16_t kMedeleg = 0x302, kMideleg = 0x303, kMenvcfg = 0x30a;
inline constexpr uint16_t kSstatus = 0x100, kSie = 0x104, kStvec = 0x105, kScounteren = 0x106,
                          kSenvcfg = 0x10a, kSscratch = 0x140, kSepc = 0x141, kScause = 0x142,
                          kStval = 0x143, kSip = 0x144, kSatp = 0x180;
}  // namespace csr

namespace mstatus {
inline constexpr uint64_t kSie = 1ull << 1, kMie = 1ull << 3, kSpie = 1ull << 5, kMpie = 1ull << 7,
                          kSpp = 1ull << 8, kMppShift = 11, kMpp = 3ull << kMppShift, kFsShift = 13,
                          kFs = 3ull << kFsShift, kMprv = 1ull << 17, kSum = 1ull << 18,
                          kMxr = 1ull << 19, kTvm = 1ull << 20, kTw = 1ull << 21, kTsr = 1ull << 22,
                          kUxl = 2ull << 32, kSxl = 2ull << 34, kSd = 1ull << 63;
// The bits of mstatus that sstatus shows (UXL and SD are added on read).
inline constexpr uint64_t kSstatusView = kSie | kSpie | kSpp | kFs | kSum | kMxr;
inline constexpr uint64_t kFsOff = 0, kFsInitial = 1, kFsClean = 2, kFsDirty = 3;
}  // namespace mstatus

namespace irq {
inline constexpr uint64_t kSsip = 1ull << 1, kMsip = 1ull << 3, kStip = 1ull << 5,
                          kMtip = 1ull << 7, kSeip = 1ull << 9, kMeip = 1ull << 11;
inline constexpr uint64_t kSupervisor = kSsip | kStip | kSeip;  // delegable, set by M software
}  // namespace irq

// Synchronous exception codes (mcause with the interrupt bit clear).
namespace Cause {
inline constexpr uint64_t kInsnMisaligned = 0, kInsnAccessFault = 1, kIllegalInsn = 2,
                          kBreakpoint = 3, kLoadMisaligned = 4, kLoadAccessFault = 5,
                          kStoreMisaligned = 6, kStoreAccessFault = 7, kEcallFromU = 8,
                          kEcallFromS = 9, kEcallFromM = 11, kInsnPageFault = 12,
                          kLoadPageFault = 13, kStorePageFault = 15;
inline constexpr uint64_t kInterrupt = 1ull << 63;
inline constexpr uint64_t kSupervisorSoftwareInterrupt = kInterrupt | 1,
                          kSupervisorTimerInterrupt = kInterrupt | 5,
                          kSupervisorExternalInterrupt = kInterrupt | 9,
                          kMachineSoftwareInterrupt = kInterrupt | 3,
                          kMachineTimerInterrupt = kInterrupt | 7,
                          kMachineExternalInterrupt = kInterrupt | 11;
}  // namespace Cause

const char* cause_name(uint64_t cause);

}  // namespace unitag
