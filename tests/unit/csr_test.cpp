// The CSR file seen through csrr/csrw instructions: WARL fields, read-only registers, counters,
// counter gating for U-mode, and which accesses are illegal instructions.
#include <gtest/gtest.h>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

class CsrTest : public MachineTest {
 protected:
  // csrw `n`, value; csrr a2, `n`. Returns what the read gave.
  uint64_t write_then_read(uint16_t n, uint64_t value) {
    code({Csr(Op::csrrw, zero, n, a0), Csr(Op::csrrs, a2, n, zero)});
    x(a0) = value;
    EXPECT_EQ(run(2), 2u) << "csr 0x" << std::hex << n;
    return x(a2);
  }
  // Runs one CSR instruction; true when it retired, false when it trapped as illegal.
  bool try_csr(uint32_t insn) {
    install_handler();
    hart().mcause = 0;
    code({insn});
    const bool retired = run(1) == 1;
    if (!retired) {
      EXPECT_EQ(hart().mcause, Cause::kIllegalInsn);
      EXPECT_EQ(hart().mtval, insn);
      EXPECT_EQ(hart().mepc, kCode);
    }
    return retired;
  }
  void enter_user() {
    hart().priv = Priv::U;
    hart().update_fast_path();
    // U-mode needs PMP permission to fetch: entry 15 grants everything.
    ASSERT_TRUE(hart().csr_write(csr::kPmpaddr0 + 15, ~uint64_t{0}));
    ASSERT_TRUE(hart().csr_write(csr::kPmpcfg0 + 2, 0x1full << 56));
  }
};

TEST_F(CsrTest, MstatusMppIsWarlOverMAndU) {
  constexpr uint64_t kMpp = mstatus::kMpp;
  EXPECT_EQ(write_then_read(csr::kMstatus, kMpp) & kMpp, kMpp);        // M
  EXPECT_EQ(write_then_read(csr::kMstatus, 1ull << 11) & kMpp, kMpp);  // S: not supported, kept
  EXPECT_EQ(write_then_read(csr::kMstatus, 2ull << 11) & kMpp, kMpp);  // reserved, kept
  EXPECT_EQ(write_then_read(csr::kMstatus, 0) & kMpp, 0u);             // U
  EXPECT_EQ(write_then_read(csr::kMstatus, 1ull << 11) & kMpp, 0u);    // S again: still U
}

TEST_F(CsrTest, MstatusKeepsUnimplementedFieldsFixed) {
  const uint64_t v = write_then_read(csr::kMstatus, ~uint64_t{0} & ~mstatus::kMpp);
  EXPECT_EQ(v & (1ull << 1), 0u) << "SIE (no S-mode)";
  EXPECT_EQ(v & (1ull << 5), 0u) << "SPIE";
  EXPECT_EQ(v & (1ull << 18), 0u) << "SUM";
  EXPECT_EQ((v >> 32) & 3, 2u) << "UXL reads 64-bit";
  EXPECT_EQ((v >> 34) & 3, 0u) << "SXL";
  EXPECT_NE(v & mstatus::kMie, 0u);
  EXPECT_NE(v & mstatus::kMpie, 0u);
  EXPECT_NE(v & mstatus::kMprv, 0u);
  EXPECT_NE(v & mstatus::kTw, 0u);
}

TEST_F(CsrTest, MepcClearsBitZeroOnly) {
  EXPECT_EQ(write_then_read(csr::kMepc, 0x80001001), 0x80001000u);
  EXPECT_EQ(write_then_read(csr::kMepc, 0x80001002), 0x80001002u);  // C: 2-byte aligned is fine
  EXPECT_EQ(write_then_read(csr::kMepc, 0xffffffffffffffffull), 0xfffffffffffffffeull);
}

TEST_F(CsrTest, MtvecModeIsWarl) {
  EXPECT_EQ(write_then_read(csr::kMtvec, 0x80002000), 0x80002000u);
  EXPECT_EQ(write_then_read(csr::kMtvec, 0x80003001), 0x80003001u);  // vectored
  EXPECT_EQ(write_then_read(csr::kMtvec, 0x80004002), 0x80004001u);  // reserved mode: kept
  EXPECT_EQ(write_then_read(csr::kMtvec, 0x80004003), 0x80004001u);
  EXPECT_EQ(write_then_read(csr::kMtvec, 0x80005000), 0x80005000u);
}

TEST_F(CsrTest, MisaDescribesRv64ImacAndIgnoresWrites) {
  code({Csr(Op::csrrs, a2, csr::kMisa, zero)});
  run(1);
  const uint64_t misa = x(a2);
  EXPECT_EQ(misa >> 62, 2u) << "MXL = 64";
  for (char ext : {'I', 'M', 'A', 'C', 'U'}) EXPECT_NE(misa & (1ull << (ext - 'A')), 0u) << ext;
  EXPECT_EQ(misa & (1ull << ('S' - 'A')), 0u);
  EXPECT_EQ(write_then_read(csr::kMisa, 0), misa) << "misa is not writable";
}

TEST_F(CsrTest, MhartidIsTheHartNumberAndReadOnly) {
  code({Csr(Op::csrrs, a2, csr::kMhartid, zero)});
  run(1);
  EXPECT_EQ(x(a2), 0u);
  EXPECT_FALSE(try_csr(Csr(Op::csrrw, zero, csr::kMhartid, a0)));
  EXPECT_FALSE(try_csr(Csr(Op::csrrwi, a2, csr::kMhartid, 0)));  // csrrw always writes
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, csr::kMhartid, a1)));  // rs1 != x0 writes
  EXPECT_TRUE(try_csr(Csr(Op::csrrs, a2, csr::kMhartid, zero)));
  EXPECT_TRUE(try_csr(Csr(Op::csrrci, a2, csr::kMhartid, 0)));  // uimm 0: no write
}

TEST_F(CsrTest, ReadOnlyCountersCannotBeWrittenEvenInMachineMode) {
  EXPECT_FALSE(try_csr(Csr(Op::csrrw, zero, csr::kCycle, a0)));
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, zero, csr::kInstret, a0)));
  EXPECT_FALSE(try_csr(Csr(Op::csrrwi, zero, csr::kTime, 1)));
  EXPECT_TRUE(try_csr(Csr(Op::csrrs, a2, csr::kCycle, zero)));
}

TEST_F(CsrTest, UnknownCsrsAreIllegal) {
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, 0x7c0, zero)));              // custom, not implemented
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, 0x180, zero)));              // satp: no S-mode
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, csr::kPmpcfg0 + 1, zero)));  // odd pmpcfg on RV64
}

TEST_F(CsrTest, SetAndClearTouchOnlyTheirBits) {
  code({Csr(Op::csrrw, zero, csr::kMscratch, a0), Csr(Op::csrrs, a2, csr::kMscratch, a1),
        Csr(Op::csrrc, a3, csr::kMscratch, a4), Csr(Op::csrrsi, a5, csr::kMscratch, 0)});
  x(a0) = 0xf0f0;
  x(a1) = 0x0f00;
  x(a4) = 0x00f0;
  EXPECT_EQ(run(4), 4u);
  EXPECT_EQ(x(a2), 0xf0f0u);  // old value
  EXPECT_EQ(x(a3), 0xfff0u);
  EXPECT_EQ(x(a5), 0xff00u);
  code({Csr(Op::csrrwi, a2, csr::kMscratch, 31), Csr(Op::csrrci, a3, csr::kMscratch, 1),
        Csr(Op::csrrs, a4, csr::kMscratch, zero)});
  EXPECT_EQ(run(3), 3u);
  EXPECT_EQ(x(a2), 0xff00u);
  EXPECT_EQ(x(a3), 31u);
  EXPECT_EQ(x(a4), 30u);
}

TEST_F(CsrTest, MieKeepsOnlyMachineInterruptBits) {
  EXPECT_EQ(write_then_read(csr::kMie, ~uint64_t{0}), irq::kMsip | irq::kMtip | irq::kMeip);
}

TEST_F(CsrTest, MinstretCountsRetiredInstructions) {
  code({Csr(Op::csrrs, a0, csr::kMinstret, zero), I(Op::addi, t0, t0, 1), I(Op::addi, t0, t0, 1),
        Csr(Op::csrrs, a1, csr::kMinstret, zero), Csr(Op::csrrs, a2, csr::kInstret, zero)});
  EXPECT_EQ(run(5), 5u);
  EXPECT_EQ(x(a1) - x(a0), 3u);
  EXPECT_EQ(x(a2) - x(a1), 1u);
}

TEST_F(CsrTest, MinstretCountsAcrossExecuteCalls) {
  code({Csr(Op::csrrs, a0, csr::kMinstret, zero), I(Op::addi, t0, t0, 1), I(Op::addi, t0, t0, 1),
        Csr(Op::csrrs, a1, csr::kMinstret, zero)});
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(run(2), 2u);
  EXPECT_EQ(x(a1) - x(a0), 3u);
}

TEST_F(CsrTest, WritingMinstretAndMcycleSetsWhatTheNextInstructionReads) {
  code({Csr(Op::csrrw, zero, csr::kMinstret, a0), Csr(Op::csrrs, a2, csr::kMinstret, zero),
        Csr(Op::csrrw, zero, csr::kMcycle, a1), Csr(Op::csrrs, a3, csr::kMcycle, zero),
        Csr(Op::csrrs, a4, csr::kMinstret, zero)});
  x(a0) = 1000;
  x(a1) = 5000;
  EXPECT_EQ(run(5), 5u);
  EXPECT_EQ(x(a2), 1000u);
  EXPECT_EQ(x(a3), 5000u);
  EXPECT_EQ(x(a4), 1003u);
}

TEST_F(CsrTest, McycleAdvancesWithExecution) {
  code({Csr(Op::csrrs, a0, csr::kMcycle, zero), I(Op::addi, t0, t0, 1),
        Csr(Op::csrrs, a1, csr::kMcycle, zero), Csr(Op::csrrs, a2, csr::kCycle, zero)});
  EXPECT_EQ(run(4), 4u);
  EXPECT_GE(x(a1) - x(a0), 2u);
  EXPECT_GE(x(a2), x(a1));
}

TEST_F(CsrTest, McounterenGatesUserCounterReads) {
  const struct {
    uint16_t n;
    unsigned bit;
  } counters[] = {{csr::kCycle, 0}, {csr::kTime, 1}, {csr::kInstret, 2}, {csr::kHpmCounter3, 3}};
  enter_user();
  for (const auto& c : counters) {
    SCOPED_TRACE(c.n);
    hart().mcounteren = 0;
    EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, c.n, zero)));
    hart().priv = Priv::U;  // the trap went to M
    hart().mcounteren = 1u << c.bit;
    EXPECT_TRUE(try_csr(Csr(Op::csrrs, a2, c.n, zero)));
    hart().mcounteren = ~(1u << c.bit);
    EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, c.n, zero)));
    hart().priv = Priv::U;
  }
}

TEST_F(CsrTest, UserModeCannotTouchMachineCsrs) {
  enter_user();
  for (uint16_t n : {csr::kMstatus, csr::kMisa, csr::kMtvec, csr::kMepc, csr::kMhartid,
                     csr::kMcycle, csr::kPmpcfg0, csr::kMscratch}) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, n, zero)));
    EXPECT_EQ(hart().priv, Priv::M);
    EXPECT_EQ((hart().mstatus & mstatus::kMpp) >> mstatus::kMppShift, 0u) << "trap came from U";
    hart().priv = Priv::U;
    hart().update_fast_path();
  }
}

}  // namespace
}  // namespace unitag::test
