// Memory behaviour of a hart: misaligned loads and stores are emulated (as QEMU does), accesses
// crossing the end of RAM or hitting unmapped space fault, and the decoded-instruction cache
// never runs stale code after a store to code or a fence.i.
#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "tests/unit/machine_fixture.h"

namespace unitag::test {
namespace {

using MemoryTest = MachineTest;

TEST_F(MemoryTest, MisalignedLoadsAreEmulated) {
  poke64(kData, 0x8877665544332211ull);
  poke64(kData + 8, 0x00ffeeddccbbaa99ull);
  x(a0) = kData;
  const struct {
    uint32_t insn;
    uint64_t want;
  } cases[] = {
      {I(Op::lh, a2, a0, 1), 0x3322},
      {I(Op::lw, a2, a0, 3), 0x77665544},
      {I(Op::lw, a2, a0, 5), 0xffffffff99887766ull},
      {I(Op::lwu, a2, a0, 5), 0x99887766},
      {I(Op::ld, a2, a0, 7), 0xffeeddccbbaa9988ull},
      {I(Op::lh, a2, a0, 13), 0xffffffffffffffeeull},
  };
  for (const auto& c : cases) {
    install_handler();
    code({c.insn});
    x(a2) = 0x5a5a;
    EXPECT_EQ(run(1), 1u) << disassemble(decode(c.insn), kCode);
    EXPECT_EQ(x(a2), c.want) << disassemble(decode(c.insn), kCode);
    EXPECT_EQ(hart().pc, kCode + 4);
  }
}

TEST_F(MemoryTest, MisalignedStoresAreEmulated) {
  poke64(kData, 0);
  poke64(kData + 8, 0);
  x(a0) = kData;
  x(a1) = 0x1122334455667788ull;
  code({S(Op::sd, a1, a0, 3)});
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(peek64(kData), 0x4455667788000000ull);
  EXPECT_EQ(peek64(kData + 8), 0x0000000000112233ull);
  code({S(Op::sw, a1, a0, 14)});
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(peek64(kData + 8), 0x7788000000112233ull);
  EXPECT_EQ(peek32(kData + 16), 0x5566u);
}

TEST_F(MemoryTest, MisalignedAccessesAreEmulatedInUserModeToo) {
  // U-mode takes the slow path (PMP checks): misaligned accesses still work.
  ASSERT_TRUE(hart().csr_write(csr::kPmpaddr0, ~uint64_t{0}));
  ASSERT_TRUE(hart().csr_write(csr::kPmpcfg0, 0x1f));  // NAPOT all, RWX
  hart().priv = Priv::U;
  hart().update_fast_path();
  poke64(kData, 0x8877665544332211ull);
  x(a0) = kData;
  x(a1) = 0xa1a2a3a4;
  code({I(Op::lw, a2, a0, 1), S(Op::sw, a1, a0, 9), I(Op::lwu, a3, a0, 9)});
  EXPECT_EQ(run(3), 3u);
  EXPECT_EQ(x(a2), 0x55443322u);
  EXPECT_EQ(x(a3), 0xa1a2a3a4u);
}

TEST_F(MemoryTest, AccessCrossingTheEndOfRamIsAnAccessFault) {
  install_handler();
  const uint64_t end = kRam + kRamSize;
  x(a0) = end - 2;
  code({I(Op::lw, a2, a0, 0)});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kLoadAccessFault);
  EXPECT_EQ(hart().mtval, end - 2);
  EXPECT_EQ(hart().mepc, kCode);

  install_handler();
  x(a0) = end - 7;
  code({S(Op::sd, a1, a0, 0)});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kStoreAccessFault);
  EXPECT_EQ(hart().mtval, end - 7);

  // The last bytes of RAM themselves are fine, aligned or not.
  x(a0) = end - 8;
  x(a1) = 0x0102030405060708ull;
  code({S(Op::sd, a1, a0, 0), I(Op::ld, a2, a0, 0), I(Op::lw, a3, a0, 3), I(Op::lbu, a4, a0, 7)});
  // bytes from end-8: 08 07 06 05 04 03 02 01
  EXPECT_EQ(run(4), 4u);
  EXPECT_EQ(x(a2), 0x0102030405060708ull);
  EXPECT_EQ(x(a3), 0x02030405u);
  EXPECT_EQ(x(a4), 0x01u);
}

TEST_F(MemoryTest, UnmappedAndBelowRamAccessesFault) {
  for (uint64_t addr : {uint64_t{0}, uint64_t{0x40000000}, kRam - 4, kRam + kRamSize,
                        uint64_t{0xfffffffffffffff8ull}}) {
    install_handler();
    x(a0) = addr;
    code({I(Op::ld, a2, a0, 0)});
    EXPECT_EQ(run(1), 0u);
    EXPECT_EQ(hart().mcause, Cause::kLoadAccessFault) << std::hex << addr;
    EXPECT_EQ(hart().mtval, addr);
  }
}

TEST_F(MemoryTest, MisalignedDeviceAccessIsAnAccessFault) {
  install_handler();
  x(a0) = Clint::kBase + Clint::kMtimecmpOffset + 1;
  code({I(Op::lw, a2, a0, 0)});
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kLoadAccessFault);
}

TEST_F(MemoryTest, StoreToCodeInvalidatesTheDecodedInstruction) {
  // +0: addi a2, zero, 1   (decoded first)
  // +4: sw a1, 0(a0)       overwrite +0 with addi a2, zero, 2
  // +8: jal zero, -8
  const uint32_t new_insn = I(Op::addi, a2, zero, 2);
  code({I(Op::addi, a2, zero, 1), S(Op::sw, a1, a0, 0), Jal(zero, -8)});
  x(a0) = kCode;
  x(a1) = new_insn;
  EXPECT_EQ(run(1), 1u);
  EXPECT_EQ(x(a2), 1u);
  const uint64_t invalidations = hart().stats.code_invalidations;
  EXPECT_EQ(run(3), 3u);
  EXPECT_EQ(x(a2), 2u) << "the hart ran the stale decoded instruction";
  EXPECT_GT(hart().stats.code_invalidations, invalidations);
}

TEST_F(MemoryTest, StoreToTheUpperHalfOfAnInstructionInvalidatesIt) {
  // addi a2, zero, 1 is 0x00100613; its upper half holds the immediate. sh writes 0x0020 there.
  code({I(Op::addi, a2, zero, 1), S(Op::sh, a1, a0, 2), Jal(zero, -8)});
  x(a0) = kCode;
  x(a1) = 0x0020;
  EXPECT_EQ(run(4), 4u);
  EXPECT_EQ(x(a2), 2u);
}

TEST_F(MemoryTest, CompressedStoreIntoCodeIsSeen) {
  // Overwrite a 32-bit instruction with two compressed ones (c.li a2, 5 ; c.nop).
  code({I(Op::addi, a2, zero, 1), S(Op::sw, a1, a0, 0), Jal(zero, -8)});
  x(a0) = kCode;
  x(a1) = 0x0001'4615;  // c.li a2, 5 (0x4615) then c.nop (0x0001)
  EXPECT_EQ(run(4), 4u);
  EXPECT_EQ(x(a2), 5u);
  EXPECT_EQ(hart().pc, kCode + 2);
}

TEST_F(MemoryTest, FenceIFlushesCodeChangedBehindTheHartsBack) {
  // A write that bypasses the hart (like another hart or a DMA) leaves a stale decode until
  // fence.i, which the specification requires software to execute.
  code({I(Op::addi, a2, a2, 1), Jal(zero, -4)});
  EXPECT_EQ(run(2), 2u);
  const uint32_t new_insn = I(Op::addi, a2, a2, 100);
  std::memcpy(machine().bus().ram() + (kCode - kRam), &new_insn, 4);
  code({Plain(Op::fence_i), Jal(zero, -0x104)}, kCode + 0x100);  // fence.i ; jal kCode
  x(a2) = 0;
  EXPECT_EQ(run(3), 3u);
  EXPECT_EQ(x(a2), 100u);
}

TEST_F(MemoryTest, InstructionFetchOutsideRamIsAnAccessFault) {
  install_handler();
  code({I(Op::jalr, zero, a0, 0)});
  x(a0) = 0x1000;
  EXPECT_EQ(run(2), 1u);
  EXPECT_EQ(hart().mcause, Cause::kInsnAccessFault);
  EXPECT_EQ(hart().mepc, 0x1000u);
  EXPECT_EQ(hart().mtval, 0x1000u);
}

TEST_F(MemoryTest, FourByteInstructionStraddlingTheEndOfRamFaults) {
  install_handler();
  const uint64_t last = kRam + kRamSize - 2;
  const uint16_t low = 0x0613;  // low half of a 32-bit addi
  ASSERT_TRUE(hart().poke(last, &low, 2));
  hart().pc = last;
  EXPECT_EQ(run(1), 0u);
  EXPECT_EQ(hart().mcause, Cause::kInsnAccessFault);
  EXPECT_EQ(hart().mepc, last);
}

}  // namespace
}  // namespace unitag::test

namespace unitag::test {
namespace {

// Records every instruction a hook is shown.
class Recorder final : public ExecutionHooks {
 public:
  std::vector<std::pair<uint64_t, Op>> seen;
  bool before_instruction(Hart&, const DecodedInsn& insn, uint64_t pc) override {
    seen.emplace_back(pc, insn.op);
    return true;
  }
  void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
  void on_trap(Hart&, uint64_t, uint64_t) override {}
};

TEST_F(MemoryTest, HooksSeeEachInstructionOnceAcrossAPageBoundary) {
  // Straight-line code from the end of one page into the next: a 4-byte and a 2-byte
  // instruction in the last slots, then two more and a self-loop on the next page.
  const uint64_t at = kCode + 0x1000 - 6;
  code({I(Op::addi, a0, a0, 1), I(Op::addi, a0, a0, 1), I(Op::addi, a0, a0, 1), kSelfLoop}, at + 6);
  code({I(Op::addi, a0, a0, 1)}, at);
  code16({0x0505 /* c.addi a0, 1 */}, at + 4);
  hart().pc = at;
  Recorder recorder;
  hart().set_hooks(&recorder);
  hart().execute(5);
  hart().set_hooks(nullptr);
  ASSERT_GE(recorder.seen.size(), 4u);
  const std::pair<uint64_t, Op> want[] = {{at, Op::addi},      {at + 4, Op::addi},
                                          {at + 6, Op::addi},  {at + 10, Op::addi},
                                          {at + 14, Op::addi}, {at + 18, Op::jal}};
  ASSERT_GE(recorder.seen.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(recorder.seen[i].first, want[i].first) << i;
    EXPECT_EQ(recorder.seen[i].second, want[i].second)
        << i << ": a hook was shown a non-instruction";
  }
  EXPECT_EQ(x(a0), 5u);
}

TEST_F(MemoryTest, DeviceStoreEndsTheBlockRightAfterIt) {
  // Writing the test finisher ends the run: nothing after the store may execute (QEMU exits at
  // once, so a later UART write would make the two machines' output differ).
  code({S(Op::sw, a1, a0, 0), I(Op::addi, a2, a2, 1), I(Op::addi, a2, a2, 1), kSelfLoop});
  x(a0) = TestFinisher::kBase;
  x(a1) = 0x5555;
  EXPECT_EQ(hart().execute(100), 1u);
  EXPECT_EQ(x(a2), 0u);
  EXPECT_EQ(hart().pc, kCode + 4);
  EXPECT_TRUE(machine().stop_requested());
}

}  // namespace
}  // namespace unitag::test
