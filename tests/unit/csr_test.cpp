// The CSR file seen through csrr/csrw instructions: WARL fields, read-only registers, counters,
// counter gating for U-mode, and which accesses are illegal instructions.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "machine/hart/csr_table.h"
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
  // Calls `check(row, number)` for every CSR number of every table row.
  template <class Check>
  void for_each_csr(Check check) {
    for (const CsrRow& row : csr_rows()) {
      for (unsigned n = row.first; n <= row.last; ++n) {
        SCOPED_TRACE(csr_name(static_cast<uint16_t>(n)));
        check(row, static_cast<uint16_t>(n));
      }
    }
  }
};

// RV64 has only the even pmpcfg registers: the one gap inside a row.
bool is_odd_pmpcfg(uint16_t n) { return n >= csr::kPmpcfg0 && n <= csr::kPmpcfg15 && (n & 1); }

TEST_F(CsrTest, MstatusMppIsWarlOverMSAndU) {
  constexpr uint64_t kMpp = mstatus::kMpp;
  EXPECT_EQ(write_then_read(csr::kMstatus, kMpp) & kMpp, kMpp);              // M
  EXPECT_EQ(write_then_read(csr::kMstatus, 2ull << 11) & kMpp, kMpp);        // reserved, kept
  EXPECT_EQ(write_then_read(csr::kMstatus, 1ull << 11) & kMpp, 1ull << 11);  // S
  EXPECT_EQ(write_then_read(csr::kMstatus, 2ull << 11) & kMpp, 1ull << 11);  // still S
  EXPECT_EQ(write_then_read(csr::kMstatus, 0) & kMpp, 0u);                   // U
}

TEST_F(CsrTest, MstatusKeepsUnimplementedFieldsFixed) {
  const uint64_t v = write_then_read(csr::kMstatus, ~uint64_t{0} & ~mstatus::kMpp);
  EXPECT_EQ(v & (1ull << 0), 0u) << "WPRI";
  EXPECT_EQ(v & (3ull << 9), 0u) << "VS (no vector unit)";
  EXPECT_EQ(v & (3ull << 15), 0u) << "XS";
  EXPECT_EQ((v >> 32) & 3, 2u) << "UXL reads 64-bit";
  EXPECT_EQ((v >> 34) & 3, 2u) << "SXL reads 64-bit";
  for (uint64_t bit : {mstatus::kSie, mstatus::kSpie, mstatus::kSpp, mstatus::kSum, mstatus::kMxr,
                       mstatus::kTvm, mstatus::kTsr})
    EXPECT_NE(v & bit, 0u) << std::hex << bit;
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
  for (char ext : {'I', 'M', 'A', 'C', 'S', 'U'})
    EXPECT_NE(misa & (1ull << (ext - 'A')), 0u) << ext;
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
  EXPECT_FALSE(try_csr(Csr(Op::csrrs, a2, 0x5c0, zero)));              // custom S, not implemented
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

TEST_F(CsrTest, MieKeepsOnlyMachineAndSupervisorInterruptBits) {
  EXPECT_EQ(write_then_read(csr::kMie, ~uint64_t{0}),
            irq::kMsip | irq::kMtip | irq::kMeip | irq::kSupervisor);
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
  hart().scounteren = 0xffffffff;  // S-mode's gate open: this is about mcounteren's
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

TEST_F(CsrTest, TableNamesCsrsAsTheSpecificationNumbersThem) {
  const struct {
    uint16_t n;
    const char* name;
  } spec[] = {{0x001, "fflags"},        {0x003, "fcsr"},         {0xc01, "time"},
              {0xc03, "hpmcounter3"},   {0xc1f, "hpmcounter31"}, {0x300, "mstatus"},
              {0x320, "mcountinhibit"}, {0x33f, "mhpmevent31"},  {0x344, "mip"},
              {0x3a2, "pmpcfg2"},       {0x3b0, "pmpaddr0"},     {0x3ef, "pmpaddr63"},
              {0x7a3, "tdata3"},        {0xb02, "minstret"},     {0xb1f, "mhpmcounter31"},
              {0xf14, "mhartid"},       {0xf15, "mconfigptr"}};
  for (const auto& c : spec) EXPECT_EQ(csr_name(c.n), c.name) << std::hex << c.n;
  EXPECT_EQ(csr_name(0x180), "satp");
  EXPECT_EQ(csr_name(0x100), "sstatus");
  EXPECT_EQ(csr_name(0x302), "medeleg");
  EXPECT_EQ(find_csr(0x7c0), nullptr);
}

TEST_F(CsrTest, EveryTableRowIsReachableByEachOfItsNumbers) {
  hart().mstatus |= mstatus::kFs;  // FP status CSRs exist only while FS is on
  std::set<std::string> names;
  for_each_csr([&](const CsrRow& row, uint16_t n) {
    EXPECT_EQ(find_csr(n), &row);
    EXPECT_TRUE(names.insert(csr_name(n)).second) << "two CSRs share a name";
    if (n == row.first) {
      EXPECT_EQ(csr_name(n), row.name);
    }
    EXPECT_EQ(try_csr(Csr(Op::csrrs, a2, n, zero)), !is_odd_pmpcfg(n));
  });
}

TEST_F(CsrTest, UserModeReachesExactlyTheUnprivilegedRows) {
  enter_user();
  for_each_csr([&](const CsrRow& row, uint16_t n) {
    EXPECT_EQ(row.priv == Priv::U, ((n >> 8) & 3) == 0) << "privilege is the number's bits 9:8";
    hart().priv = Priv::U;
    hart().update_fast_path();
    hart().mcounteren = 0xffffffff;
    hart().scounteren = 0xffffffff;
    hart().mstatus |= mstatus::kFs;
    EXPECT_EQ(try_csr(Csr(Op::csrrs, a2, n, zero)), row.priv == Priv::U);
  });
}

TEST_F(CsrTest, ReadOnlyRowsRefuseWritesAndTheOthersTakeThem) {
  hart().mstatus |= mstatus::kFs;
  for_each_csr([&](const CsrRow& row, uint16_t n) {
    const bool read_only = (n >> 10) == 3;
    EXPECT_EQ(row.write == nullptr, read_only);
    if (is_odd_pmpcfg(n)) return;
    install_handler();
    uint64_t v = 0;
    ASSERT_TRUE(hart().csr_read(n, v));
    EXPECT_EQ(hart().csr_write(n, v), !read_only);
    x(a0) = v;  // writing back what it holds keeps the machine runnable (mtvec, pmpcfg)
    EXPECT_EQ(try_csr(Csr(Op::csrrw, zero, n, a0)), !read_only);
  });
}

TEST_F(CsrTest, WritesChangeNoBitOutsideTheRowsWritableMask) {
  hart().mstatus |= mstatus::kFs;
  for_each_csr([&](const CsrRow& row, uint16_t n) {
    if (!row.write || is_odd_pmpcfg(n)) return;
    // SD summarises FS, which is writable: the one fixed bit a write may change.
    const bool status = n == csr::kMstatus || n == csr::kSstatus;
    const uint64_t fixed = ~row.writable & (status ? ~mstatus::kSd : ~uint64_t{0});
    for (uint64_t value : {~uint64_t{0}, uint64_t{0}}) {
      uint64_t before = 0, after = 0;
      ASSERT_TRUE(hart().csr_read(n, before));
      ASSERT_TRUE(hart().csr_write(n, value));
      ASSERT_TRUE(hart().csr_read(n, after));
      EXPECT_EQ(after & fixed, before & fixed) << std::hex << "wrote 0x" << value;
    }
  });
}

TEST_F(CsrTest, WarlRowsKeepOnlyTheirWritableBits) {
  hart().mstatus |= mstatus::kFs;
  const struct {
    uint16_t n;
    uint64_t writable;
  } warl[] = {{csr::kFflags, 0x1f},
              {csr::kFrm, 0x7},
              {csr::kFcsr, 0xff},
              {csr::kMie, irq::kMsip | irq::kMtip | irq::kMeip | irq::kSupervisor},
              {csr::kMideleg, irq::kSupervisor},
              {csr::kMedeleg, 0xb3ff},  // all but ecall from M and the reserved causes
              {csr::kScounteren, 0xffffffff},
              {csr::kSepc, ~uint64_t{1}},
              {csr::kMcounteren, 0xffffffff},
              {csr::kMcountinhibit, 0xfffffffd},  // TM: time cannot be inhibited
              {csr::kMepc, ~uint64_t{1}},
              {csr::kPmpaddr0, (1ull << 54) - 1},
              {csr::kPmpcfg0, 0x9f9f9f9f9f9f9f9full}};  // bits 6:5 of each entry are reserved
  for (const auto& c : warl) {
    SCOPED_TRACE(csr_name(c.n));
    EXPECT_EQ(find_csr(c.n)->writable, c.writable);
    uint64_t v = 0;
    ASSERT_TRUE(hart().csr_write(c.n, ~uint64_t{0}));
    ASSERT_TRUE(hart().csr_read(c.n, v));
    EXPECT_EQ(v, c.writable);
  }
}

}  // namespace
}  // namespace unitag::test
