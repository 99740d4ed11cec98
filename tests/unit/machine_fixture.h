// Test fixture for unit tests of the machine model: a real Machine with a small RAM, helpers to
// assemble instruction words from the instruction table, place them in RAM and run a hart.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#include "machine/isa/decoder.h"
#include "machine/isa/encode.h"
#include "machine/machine.h"

namespace unitag::test {

inline constexpr uint64_t kRam = Bus::kRamBase;
inline constexpr uint64_t kCode = kRam + 0x1000;     // where tests place instructions
inline constexpr uint64_t kHandler = kRam + 0x2000;  // trap handler (a self-loop)
inline constexpr uint64_t kData = kRam + 0x10000;    // scratch data
inline constexpr uint64_t kRamSize = 1ull << 20;

// ABI register numbers used by the tests.
enum Reg : uint32_t {
  zero = 0,
  ra = 1,
  sp = 2,
  t0 = 5,
  t1 = 6,
  t2 = 7,
  s0 = 8,
  s1 = 9,
  a0 = 10,
  a1 = 11,
  a2 = 12,
  a3 = 13,
  a4 = 14,
  a5 = 15
};

// Encodings built from the table's match bits, so every test names the instruction by its Op.
inline uint32_t match_of(Op op) { return insn_info(op).match; }
inline uint32_t R(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return match_of(op) | rd << 7 | rs1 << 15 | rs2 << 20;
}
inline uint32_t I(Op op, uint32_t rd, uint32_t rs1, int32_t imm) {
  return match_of(op) | rd << 7 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
inline uint32_t S(Op op, uint32_t rs2, uint32_t rs1, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return match_of(op) | (u & 0x1f) << 7 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}
inline uint32_t Shift(Op op, uint32_t rd, uint32_t rs1, uint32_t shamt) {
  return match_of(op) | rd << 7 | rs1 << 15 | shamt << 20;
}
inline uint32_t Csr(Op op, uint32_t rd, uint16_t csr, uint32_t rs1_or_uimm) {
  return match_of(op) | rd << 7 | rs1_or_uimm << 15 | uint32_t{csr} << 20;
}
inline uint32_t Amo(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2) { return R(op, rd, rs1, rs2); }
inline uint32_t Plain(Op op) { return match_of(op); }
inline uint32_t Jal(uint32_t rd, int32_t offset) { return enc::j(rd, offset); }
inline uint32_t Lui(uint32_t rd, int32_t imm_hi) { return enc::u(0x37, rd, imm_hi); }
inline constexpr uint32_t kSelfLoop = 0x0000006f;  // jal x0, 0

class MachineTest : public ::testing::Test {
 protected:
  explicit MachineTest(unsigned harts = 1) {
    MachineConfig cfg;
    cfg.harts = harts;
    cfg.mem_size = kRamSize;
    cfg.deterministic = true;
    machine_ = std::make_unique<Machine>(cfg);
    for (unsigned i = 0; i < harts; ++i) machine_->hart(i).pc = kCode;
  }

  Machine& machine() { return *machine_; }
  Hart& hart(unsigned i = 0) { return machine_->hart(i); }
  uint64_t& x(unsigned r, unsigned h = 0) { return hart(h).x[r]; }

  // Writes 32-bit instruction words at `at` and points hart `h` there.
  void code(std::initializer_list<uint32_t> words, uint64_t at = kCode, unsigned h = 0) {
    uint64_t a = at;
    for (uint32_t w : words) {
      poke32(a, w);
      a += 4;
    }
    hart(h).pc = at;
  }
  // Writes 16-bit (compressed) parcels.
  void code16(std::initializer_list<uint16_t> parcels, uint64_t at = kCode, unsigned h = 0) {
    uint64_t a = at;
    for (uint16_t p : parcels) {
      ASSERT_TRUE(hart(h).poke(a, &p, 2));
      a += 2;
    }
    hart(h).pc = at;
  }
  // Installs a direct-mode handler that spins, so a test stops right at handler entry.
  void install_handler(unsigned h = 0) {
    poke32(kHandler, kSelfLoop);
    hart(h).mtvec = kHandler;
  }
  // Runs exactly `steps` steps (a trapping instruction counts as one) and returns how many
  // instructions retired. The hook-free loop only checks its budget where control flow can
  // loop, so precise stepping uses a hook that stops the machine after `steps` instructions,
  // the way a debugger single-steps, and then withdraws that stop. Stops early on wfi or when
  // the guest stops the machine.
  uint64_t run(uint64_t steps, unsigned h = 0) {
    Hart& t = hart(h);
    StepLimit limit(steps);
    t.set_hooks(&limit);
    uint64_t retired = 0;
    while (!t.waiting_for_interrupt && !machine_->stop_requested()) retired += t.execute(steps + 1);
    t.set_hooks(nullptr);
    if (limit.stopped && machine_->stop_requested() &&
        machine_->clear_stop().reason != StopReason::kDebugger)
      ADD_FAILURE() << "a guest stop was withdrawn";
    return retired;
  }

  // Stops the machine (as a debugger would) when a hart is about to exceed its allowance.
  class StepLimit final : public ExecutionHooks {
   public:
    explicit StepLimit(uint64_t steps) : left_(steps) {}
    bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t) override {
      EXPECT_NE(insn.op, Op::kPageEnd) << "hooks must only see real instructions";
      if (left_ > 0) {
        --left_;
        return true;
      }
      stopped = !hart.machine().stop_requested();
      hart.machine().request_stop(StopReason::kDebugger, 0, "step limit reached");
      return false;
    }
    void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
    // A fetch fault is raised before the hook sees an instruction; it is still a step.
    void on_trap(Hart&, uint64_t cause, uint64_t) override {
      if ((cause == Cause::kInsnAccessFault || cause == Cause::kInsnMisaligned) && left_ > 0)
        --left_;
    }
    bool stopped = false;

   private:
    uint64_t left_;
  };

  void poke32(uint64_t addr, uint32_t v) { ASSERT_TRUE(hart().poke(addr, &v, 4)); }
  void poke64(uint64_t addr, uint64_t v) { ASSERT_TRUE(hart().poke(addr, &v, 8)); }
  uint64_t peek64(uint64_t addr) {
    uint64_t v = 0;
    EXPECT_TRUE(hart().peek(addr, &v, 8));
    return v;
  }
  uint32_t peek32(uint64_t addr) {
    uint32_t v = 0;
    EXPECT_TRUE(hart().peek(addr, &v, 4));
    return v;
  }

  // Executes one R-type instruction on (a, b) and returns rd.
  uint64_t exec_r(Op op, uint64_t a, uint64_t b) {
    code({R(op, a2, a0, a1)});
    x(a0) = a;
    x(a1) = b;
    x(a2) = 0xdeadbeef;
    EXPECT_EQ(run(1), 1u) << disassemble(decode(R(op, a2, a0, a1)), kCode);
    return x(a2);
  }

  std::unique_ptr<Machine> machine_;
};

}  // namespace unitag::test
