// Physical memory protection: TOR, NA4 and NAPOT regions checked for U-mode (and for M-mode
// when locked), first-match priority, partial overlaps, lock semantics, and MPRV.
#include <gtest/gtest.h>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

constexpr uint8_t kR = 1, kW = 2, kX = 4, kTor = 1 << 3, kNa4 = 2 << 3, kNapot = 3 << 3, kL = 0x80;

class PmpTest : public MachineTest {
 protected:
  void set_cfg(unsigned i, uint8_t cfg) {
    const uint16_t n = csr::kPmpcfg0 + 2 * (i / 8);
    uint64_t v = 0;
    ASSERT_TRUE(hart().csr_read(n, v));
    v &= ~(uint64_t{0xff} << (8 * (i % 8)));
    v |= uint64_t{cfg} << (8 * (i % 8));
    ASSERT_TRUE(hart().csr_write(n, v));
  }
  void set_addr(unsigned i, uint64_t v) { ASSERT_TRUE(hart().csr_write(csr::kPmpaddr0 + i, v)); }
  uint8_t cfg(unsigned i) {
    uint64_t v = 0;
    EXPECT_TRUE(hart().csr_read(csr::kPmpcfg0 + 2 * (i / 8), v));
    return static_cast<uint8_t>(v >> (8 * (i % 8)));
  }
  static uint64_t napot(uint64_t base, uint64_t size) { return (base >> 2) | ((size / 8) - 1); }
  // U-mode may fetch anywhere (entry 15), data rules come from lower entries.
  void user_mode_with_fetch() {
    set_addr(15, ~uint64_t{0});
    set_cfg(15, kNapot | kX);
    hart().priv = Priv::U;
    hart().update_fast_path();
  }
  // Runs a load or store of `insn` at address a0 = addr; returns the trap cause or -1.
  int64_t access(uint32_t insn, uint64_t addr) {
    install_handler();
    const Priv p = hart().priv;
    const uint64_t status =
        hart().mstatus;  // a trap from M would change MPP (and with it MPRV's view)
    code({insn});
    x(a0) = addr;
    hart().mcause = 0xdead;
    const bool retired = run(1) == 1;
    const int64_t result = retired ? -1 : static_cast<int64_t>(hart().mcause);
    if (!retired) {
      EXPECT_EQ(hart().mtval, addr);
    }
    hart().priv = p;
    hart().mstatus = status;
    hart().update_fast_path();
    return result;
  }
  static constexpr int64_t kOk = -1;
  const uint32_t lw = I(Op::lw, a2, a0, 0), ld = I(Op::ld, a2, a0, 0), sw = S(Op::sw, a1, a0, 0),
                 lb = I(Op::lb, a2, a0, 0);
};

TEST_F(PmpTest, UserModeWithNoMatchingEntryIsDenied) {
  user_mode_with_fetch();
  EXPECT_EQ(access(lw, kData), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(sw, kData), int64_t(Cause::kStoreAccessFault));
}

TEST_F(PmpTest, MachineModeIsAllowedWhenNothingIsLocked) {
  set_addr(0, napot(kData, 4096));
  set_cfg(0, kNapot);  // no permissions at all, but not locked
  EXPECT_EQ(access(lw, kData), kOk);
  EXPECT_EQ(access(sw, kData), kOk);
}

TEST_F(PmpTest, TorRegion) {
  set_addr(0, kData >> 2);
  set_addr(1, (kData + 0x100) >> 2);
  set_cfg(1, kTor | kR);
  user_mode_with_fetch();
  EXPECT_EQ(access(lw, kData), kOk);
  EXPECT_EQ(access(ld, kData + 0xf8), kOk);
  EXPECT_EQ(access(sw, kData), int64_t(Cause::kStoreAccessFault));
  EXPECT_EQ(access(lw, kData + 0x100), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(lw, kData - 4), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(ld, kData + 0xfc), int64_t(Cause::kLoadAccessFault)) << "partial overlap";
  EXPECT_EQ(access(ld, kData - 4), int64_t(Cause::kLoadAccessFault)) << "partial overlap";
}

TEST_F(PmpTest, TorEntryZeroStartsAtAddressZero) {
  set_addr(0, (kData + 0x100) >> 2);
  set_cfg(0, kTor | kR | kW | kX);  // covers the code too, so it must allow fetches
  user_mode_with_fetch();
  EXPECT_EQ(access(sw, kRam), kOk);
  EXPECT_EQ(access(sw, kData + 0xfc), kOk);
  EXPECT_EQ(access(sw, kData + 0x100), int64_t(Cause::kStoreAccessFault));
}

TEST_F(PmpTest, Na4Region) {
  set_addr(0, kData >> 2);
  set_cfg(0, kNa4 | kR | kW);
  user_mode_with_fetch();
  EXPECT_EQ(access(lw, kData), kOk);
  EXPECT_EQ(access(sw, kData), kOk);
  EXPECT_EQ(access(lb, kData + 3), kOk);
  EXPECT_EQ(access(lb, kData + 4), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(ld, kData), int64_t(Cause::kLoadAccessFault)) << "8 bytes over a 4-byte region";
}

TEST_F(PmpTest, NapotRegions) {
  set_addr(0, napot(kData, 8));  // the smallest NAPOT region
  set_cfg(0, kNapot | kR);
  set_addr(1, napot(kData + 0x1000, 0x1000));
  set_cfg(1, kNapot | kR | kW);
  user_mode_with_fetch();
  EXPECT_EQ(access(ld, kData), kOk);
  EXPECT_EQ(access(sw, kData), int64_t(Cause::kStoreAccessFault));
  EXPECT_EQ(access(lb, kData + 8), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(sw, kData + 0x1000), kOk);
  EXPECT_EQ(access(sw, kData + 0x1ffc), kOk);
  EXPECT_EQ(access(sw, kData + 0x2000), int64_t(Cause::kStoreAccessFault));
  EXPECT_EQ(access(ld, kData + 0xffc), int64_t(Cause::kLoadAccessFault)) << "partial overlap";
}

TEST_F(PmpTest, LowestNumberedMatchingEntryWins) {
  set_addr(0, napot(kData, 0x100));
  set_cfg(0, kNapot);  // deny
  set_addr(1, napot(kData, 0x1000));
  set_cfg(1, kNapot | kR | kW);
  user_mode_with_fetch();
  EXPECT_EQ(access(lw, kData), int64_t(Cause::kLoadAccessFault));
  EXPECT_EQ(access(lw, kData + 0x100), kOk);
}

TEST_F(PmpTest, LockedEntriesApplyToMachineMode) {
  set_addr(0, napot(kData, 0x1000));
  set_cfg(0, kL | kNapot | kR);
  EXPECT_EQ(access(lw, kData), kOk);
  EXPECT_EQ(access(sw, kData), int64_t(Cause::kStoreAccessFault));
  EXPECT_EQ(access(sw, kData + 0x1000), kOk) << "outside the locked region M-mode is free";
}

TEST_F(PmpTest, LockedEntriesCannotBeChangedUntilReset) {
  set_addr(0, napot(kData, 0x1000));
  set_cfg(0, kL | kNapot | kR);
  set_cfg(0, kNapot | kR | kW | kX);
  EXPECT_EQ(cfg(0), kL | kNapot | kR);
  set_addr(0, 0);
  uint64_t a = 0;
  ASSERT_TRUE(hart().csr_read(csr::kPmpaddr0, a));
  EXPECT_EQ(a, napot(kData, 0x1000));
  // A locked TOR entry also locks the address register below it.
  set_addr(2, kData >> 2);
  set_addr(3, (kData + 0x40) >> 2);
  set_cfg(3, kL | kTor | kR);
  set_addr(2, 0x1234);
  ASSERT_TRUE(hart().csr_read(csr::kPmpaddr0 + 2, a));
  EXPECT_EQ(a, kData >> 2);
}

TEST_F(PmpTest, WriteWithoutReadIsReserved) {
  set_cfg(0, kNapot | kW);
  EXPECT_EQ(cfg(0) & (kR | kW), 0);
}

TEST_F(PmpTest, UserFetchNeedsExecutePermission) {
  set_addr(0, napot(kCode, 0x1000));
  set_cfg(0, kNapot | kR);  // code page readable but not executable
  set_addr(1, napot(kHandler, 0x1000));
  set_cfg(1, kNapot | kX);
  install_handler();
  code({I(Op::addi, a0, a0, 1)});
  hart().priv = Priv::U;
  hart().update_fast_path();
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kInsnAccessFault);
  EXPECT_EQ(hart().mtval, kCode);
}

TEST_F(PmpTest, MprvChecksMachineLoadsWithUserPermissions) {
  set_addr(0, napot(kData, 0x1000));
  set_cfg(0, kNapot | kR);
  // M-mode with MPRV=1, MPP=U: data accesses use U-mode rules, fetches stay M-mode.
  hart().mstatus = (hart().mstatus & ~mstatus::kMpp) | mstatus::kMprv;
  hart().update_fast_path();
  EXPECT_EQ(access(lw, kData), kOk);
  EXPECT_EQ(access(sw, kData), int64_t(Cause::kStoreAccessFault));
  EXPECT_EQ(access(lw, kData + 0x1000), int64_t(Cause::kLoadAccessFault));
}

TEST_F(PmpTest, CsrWritesThroughInstructionsTakeEffectImmediately) {
  // The fast path must be re-evaluated after a pmpcfg write by the guest itself.
  install_handler();
  x(a0) = kData;
  x(a3) = napot(kData, 0x1000);
  x(a4) = kL | kNapot | kR;
  code({Csr(Op::csrrw, zero, csr::kPmpaddr0, a3), Csr(Op::csrrw, zero, csr::kPmpcfg0, a4),
        S(Op::sw, a1, a0, 0)});
  EXPECT_EQ(run(3), 2u);
  EXPECT_EQ(hart().mcause, Cause::kStoreAccessFault);
}

}  // namespace
}  // namespace unitag::test
