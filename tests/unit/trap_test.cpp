// Traps and interrupts: mcause/mtval/mepc and the mstatus stack for each cause, mret, wfi,
// vectored interrupt entry, and what happens when there is no handler.
#include <gtest/gtest.h>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

class TrapTest : public MachineTest {
 protected:
  void enter_user() {
    ASSERT_TRUE(hart().csr_write(csr::kPmpaddr0 + 15, ~uint64_t{0}));
    ASSERT_TRUE(hart().csr_write(csr::kPmpcfg0 + 2, 0x1full << 56));  // entry 15: all, RWX
    hart().priv = Priv::U;
    hart().update_fast_path();
  }
  // Runs one instruction expected to trap; checks the trap frame.
  void expect_trap(uint32_t insn, uint64_t cause, uint64_t tval) {
    install_handler();
    code({insn});
    const Priv from = hart().priv;
    const uint64_t mie_before = hart().mstatus & mstatus::kMie;
    EXPECT_EQ(run(1), 0u) << "the trapping instruction must not retire";
    EXPECT_EQ(hart().mcause, cause);
    EXPECT_EQ(hart().mtval, tval);
    EXPECT_EQ(hart().mepc, kCode);
    EXPECT_EQ(hart().pc, kHandler);
    EXPECT_EQ(hart().priv, Priv::M);
    EXPECT_EQ((hart().mstatus & mstatus::kMpp) >> mstatus::kMppShift, static_cast<uint64_t>(from));
    EXPECT_EQ((hart().mstatus & mstatus::kMpie) != 0, mie_before != 0);
    EXPECT_EQ(hart().mstatus & mstatus::kMie, 0u);
  }
};

TEST_F(TrapTest, IllegalInstructionReportsTheBits) {
  expect_trap(0xffffffff, Cause::kIllegalInsn, 0xffffffff);
  expect_trap(0x10200073 | 0x80, Cause::kIllegalInsn, 0x10200073 | 0x80);  // sret, rd != 0
}

TEST_F(TrapTest, EcallFromMachineAndUserMode) {
  hart().mstatus |= mstatus::kMie;
  expect_trap(Plain(Op::ecall), Cause::kEcallFromM, 0);
  enter_user();
  hart().mstatus |= mstatus::kMie;
  expect_trap(Plain(Op::ecall), Cause::kEcallFromU, 0);
}

TEST_F(TrapTest, EbreakIsABreakpoint) {
  install_handler();
  code({Plain(Op::ebreak)});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kBreakpoint);
  EXPECT_EQ(hart().mepc, kCode);
  install_handler();
  code16({0x9002});  // c.ebreak
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kBreakpoint);
  EXPECT_EQ(hart().mepc, kCode);
}

TEST_F(TrapTest, LoadAndStoreAccessFaultsReportTheAddress) {
  x(a0) = 0x40000010;
  expect_trap(I(Op::ld, a2, a0, 8), Cause::kLoadAccessFault, 0x40000018);
  expect_trap(S(Op::sw, a2, a0, -16), Cause::kStoreAccessFault, 0x40000000);
  enter_user();
  x(a0) = 0x40000010;
  expect_trap(I(Op::lbu, a2, a0, 0), Cause::kLoadAccessFault, 0x40000010);
}

TEST_F(TrapTest, MisalignedAtomicsTrapWithTheAddress) {
  x(a0) = kData + 2;
  expect_trap(Amo(Op::lr_w, a2, a0, zero), Cause::kLoadMisaligned, kData + 2);
  expect_trap(Amo(Op::sc_w, a2, a0, a1), Cause::kStoreMisaligned, kData + 2);
  expect_trap(Amo(Op::amoadd_w, a2, a0, a1), Cause::kStoreMisaligned, kData + 2);
  x(a0) = kData + 4;
  expect_trap(Amo(Op::lr_d, a2, a0, zero), Cause::kLoadMisaligned, kData + 4);
  expect_trap(Amo(Op::amoswap_d, a2, a0, a1), Cause::kStoreMisaligned, kData + 4);
}

TEST_F(TrapTest, AtomicsOutsideRamAreAccessFaults) {
  x(a0) = Clint::kBase;  // a device: no atomics there
  expect_trap(Amo(Op::amoadd_w, a2, a0, a1), Cause::kStoreAccessFault, Clint::kBase);
  expect_trap(Amo(Op::lr_w, a2, a0, zero), Cause::kLoadAccessFault, Clint::kBase);
  x(a0) = 0;
  expect_trap(Amo(Op::sc_d, a2, a0, a1), Cause::kStoreAccessFault, 0);
}

TEST_F(TrapTest, MretRestoresPrivilegeAndInterruptEnable) {
  hart().mepc = kCode + 0x40;
  hart().mstatus = (hart().mstatus & ~mstatus::kMpp & ~mstatus::kMie) | mstatus::kMpie;  // MPP=U
  ASSERT_TRUE(hart().csr_write(csr::kPmpaddr0 + 15, ~uint64_t{0}));
  ASSERT_TRUE(hart().csr_write(csr::kPmpcfg0 + 2, 0x1full << 56));
  code({Plain(Op::mret)});
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(hart().pc, kCode + 0x40);
  EXPECT_EQ(hart().priv, Priv::U);
  EXPECT_NE(hart().mstatus & mstatus::kMie, 0u);
  EXPECT_NE(hart().mstatus & mstatus::kMpie, 0u);
  EXPECT_EQ(hart().mstatus & mstatus::kMpp, 0u);
}

TEST_F(TrapTest, MretToMachineModeKeepsMprv) {
  hart().mepc = kCode + 0x40;
  hart().mstatus |= mstatus::kMpp | mstatus::kMprv;
  code({Plain(Op::mret)});
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(hart().priv, Priv::M);
  EXPECT_NE(hart().mstatus & mstatus::kMprv, 0u);
  EXPECT_EQ(hart().mstatus & mstatus::kMpp, 0u) << "MPP becomes the least privileged mode";
}

TEST_F(TrapTest, MretAndTimeoutWaitAreIllegalInUserMode) {
  enter_user();
  expect_trap(Plain(Op::mret), Cause::kIllegalInsn, Plain(Op::mret));
  enter_user();
  hart().mstatus |= mstatus::kTw;
  expect_trap(Plain(Op::wfi), Cause::kIllegalInsn, Plain(Op::wfi));
}

TEST_F(TrapTest, WfiWithNothingPendingWaitsAndEndsTheBlock) {
  code({Plain(Op::wfi), I(Op::addi, a0, a0, 1)});
  EXPECT_EQ(hart().execute(10), 1u);
  EXPECT_TRUE(hart().waiting_for_interrupt);
  EXPECT_EQ(hart().pc, kCode + 4);
  EXPECT_EQ(x(a0), 0u);
}

TEST_F(TrapTest, ExecuteNeverRunsMoreThanItsBudget) {
  // Instructions that end the block early (CSR writes, mret) must not let one more through.
  code({Csr(Op::csrrw, zero, csr::kMscratch, a0), I(Op::addi, a1, a1, 1)});
  EXPECT_EQ(hart().execute(1), 1u);
  EXPECT_EQ(hart().pc, kCode + 4);
  EXPECT_EQ(x(a1), 0u);
  hart().mepc = kCode + 0x40;
  hart().mstatus |= mstatus::kMpp;
  code({Plain(Op::mret), I(Op::addi, a1, a1, 1)});
  EXPECT_EQ(hart().execute(1), 1u);
  EXPECT_EQ(hart().pc, kCode + 0x40);
}

TEST_F(TrapTest, TrapStacksAndUnstacksAcrossANestedReturn) {
  // ecall from U with MIE set, then mret from the handler returns to U with MIE restored.
  enter_user();
  hart().mstatus |= mstatus::kMie;
  poke32(kHandler, Plain(Op::mret));
  hart().mtvec = kHandler;
  code({Plain(Op::ecall)});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().priv, Priv::M);
  hart().mepc += 4;
  EXPECT_EQ(run(1), 1u);  // mret
  EXPECT_EQ(hart().priv, Priv::U);
  EXPECT_EQ(hart().pc, kCode + 4);
  EXPECT_NE(hart().mstatus & mstatus::kMie, 0u);
}

class InterruptTest : public TrapTest {
 protected:
  void raise_software_interrupt() { ASSERT_TRUE(machine().clint().write(0, 4, 1, 0)); }
  void arm_timer_now() { ASSERT_TRUE(machine().clint().write(Clint::kMtimecmpOffset, 8, 0, 0)); }
};

TEST_F(InterruptTest, SoftwareInterruptTakenWhenEnabled) {
  install_handler();
  code({I(Op::addi, a0, a0, 1)});
  raise_software_interrupt();
  hart().mie = irq::kMsip;
  EXPECT_FALSE(hart().poll_interrupts()) << "mstatus.MIE is clear";
  hart().mstatus |= mstatus::kMie;
  hart().mie = 0;
  EXPECT_FALSE(hart().poll_interrupts()) << "mie.MSIE is clear";
  hart().mie = irq::kMsip;
  EXPECT_TRUE(hart().poll_interrupts());
  EXPECT_EQ(hart().mcause, Cause::kMachineSoftwareInterrupt);
  EXPECT_EQ(hart().mepc, kCode) << "the interrupted instruction did not run";
  EXPECT_EQ(hart().mtval, 0u);
  EXPECT_EQ(hart().pc, kHandler);
  EXPECT_EQ(hart().mstatus & mstatus::kMie, 0u);
  EXPECT_NE(hart().mstatus & mstatus::kMpie, 0u);
  EXPECT_EQ(hart().mip & irq::kMsip, irq::kMsip);
}

TEST_F(InterruptTest, UserModeIsInterruptedEvenWithMieClear) {
  install_handler();
  enter_user();
  code({I(Op::addi, a0, a0, 1)});
  raise_software_interrupt();
  hart().mie = irq::kMsip;
  EXPECT_TRUE(hart().poll_interrupts());
  EXPECT_EQ(hart().priv, Priv::M);
  EXPECT_EQ(hart().mstatus & mstatus::kMpp, 0u);
}

TEST_F(InterruptTest, VectoredModeJumpsToBasePlusFourTimesCause) {
  const uint64_t base = kRam + 0x3000;
  for (unsigned i = 0; i < 16; ++i) poke32(base + 4 * i, kSelfLoop);
  hart().mtvec = base | 1;
  hart().mstatus |= mstatus::kMie;
  code({I(Op::addi, a0, a0, 1)});
  arm_timer_now();
  hart().mie = irq::kMtip;
  EXPECT_TRUE(hart().poll_interrupts());
  EXPECT_EQ(hart().mcause, Cause::kMachineTimerInterrupt);
  EXPECT_EQ(hart().pc, base + 4 * 7);

  hart().mstatus |= mstatus::kMie;
  hart().mie = irq::kMsip;
  code({I(Op::addi, a0, a0, 1)});
  raise_software_interrupt();
  EXPECT_TRUE(hart().poll_interrupts());
  EXPECT_EQ(hart().pc, base + 4 * 3);

  // Synchronous exceptions still go to the base.
  code({0xffffffff});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kIllegalInsn);
  EXPECT_EQ(hart().pc, base);
}

TEST_F(InterruptTest, EnablingInterruptsWithCsrTakesThePendingOneBeforeTheNextInstruction) {
  install_handler();
  raise_software_interrupt();
  hart().mie = irq::kMsip;
  code({Csr(Op::csrrsi, zero, csr::kMstatus, 8), I(Op::addi, a0, a0, 1), I(Op::addi, a0, a0, 1)});
  EXPECT_EQ(hart().execute(3), 1u)
      << "the block ends after a CSR write so the interrupt can be taken";
  EXPECT_EQ(x(a0), 0u);
  EXPECT_TRUE(hart().poll_interrupts());
  EXPECT_EQ(hart().mepc, kCode + 4);
}

TEST(MachineRun, TrapWithoutHandlerStopsTheMachineNamingHartAndPc) {
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  Machine m(cfg);
  const uint32_t garbage = 0xffffffff;
  ASSERT_TRUE(m.hart(0).poke(kCode, &garbage, 4));
  m.hart(0).pc = kCode;
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kGuestFault);
  EXPECT_EQ(r.exit_code, 120);
  EXPECT_EQ(r.hart, 0);
  EXPECT_EQ(r.pc, kCode);
  EXPECT_NE(r.message.find("hart 0 at 0x80001000"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("illegal instruction"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find('\n'), std::string::npos) << "one line";
}

TEST(MachineRun, HandlerThatFaultsItselfStopsTheMachine) {
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  Machine m(cfg);
  const uint32_t garbage = 0xffffffff;
  ASSERT_TRUE(m.hart(0).poke(kCode, &garbage, 4));
  ASSERT_TRUE(m.hart(0).poke(kHandler, &garbage, 4));
  m.hart(0).pc = kCode;
  m.hart(0).mtvec = kHandler;
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kGuestFault);
  EXPECT_EQ(r.pc, kHandler);
  EXPECT_NE(r.message.find("trap handler"), std::string::npos) << r.message;
}

TEST(MachineRun, AllHartsWaitingWithNothingArmedIsADeadlock) {
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  cfg.harts = 2;
  Machine m(cfg);
  const uint32_t loop[] = {Plain(Op::wfi), Jal(zero, -4)};
  ASSERT_TRUE(m.hart(0).poke(kCode, loop, sizeof loop));
  for (unsigned i = 0; i < 2; ++i) m.hart(i).pc = kCode;
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kDeadlock);
  EXPECT_EQ(r.exit_code, 121);
}

TEST(MachineRun, MaxInsnsStopsALoopingGuest) {
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  cfg.max_insns = 100003;  // not a multiple of the quantum
  Machine m(cfg);
  const uint32_t loop = kSelfLoop;
  ASSERT_TRUE(m.hart(0).poke(kCode, &loop, 4));
  m.hart(0).pc = kCode;
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kMaxInsns);
  EXPECT_EQ(r.exit_code, 123);
  EXPECT_EQ(m.hart(0).instret, 100003u) << "a block must not run past the limit";
}

TEST(MachineRun, MaxInsnsIsExactForOneHartInParallelMode) {
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.max_insns = 12345;
  Machine m(cfg);
  const uint32_t loop = kSelfLoop;
  ASSERT_TRUE(m.hart(0).poke(kCode, &loop, 4));
  m.hart(0).pc = kCode;
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kMaxInsns);
  EXPECT_EQ(m.hart(0).instret, 12345u);
}

}  // namespace
}  // namespace unitag::test
