// Shared by the translation tier's differential tests: a one-hart machine with a program and a
// trap handler in place, on one engine, and the comparison of the state every test checks.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "machine/machine.h"

namespace unitag::test {

inline std::unique_ptr<Machine> differential_machine(bool translate, const void* code, size_t bytes,
                                                     uint64_t code_addr,
                                                     const std::vector<uint32_t>& handler,
                                                     uint64_t handler_addr,
                                                     uint64_t max_insns = 0) {
  MachineConfig cfg;
  cfg.mem_size = 1ull << 20;
  cfg.max_insns = max_insns;
  cfg.translate = translate;
  auto m = std::make_unique<Machine>(cfg);
  Hart& h = m->hart(0);
  EXPECT_EQ(h.translating(), translate && UNITAG_HAS_JIT);
  EXPECT_TRUE(h.poke(code_addr, code, bytes));
  EXPECT_TRUE(h.poke(handler_addr, handler.data(), handler.size() * 4));
  h.mtvec = handler_addr;
  h.pc = code_addr;
  return m;
}

// pc, instret, the integer registers, the trap CSRs and the trap counts.
inline void expect_same_core_state(Hart& interp, Hart& jit, const std::string& where) {
  ASSERT_EQ(interp.pc, jit.pc) << where;
  ASSERT_EQ(interp.instret, jit.instret) << where;
  for (unsigned r = 0; r < 32; ++r) ASSERT_EQ(interp.x[r], jit.x[r]) << where << " x" << r;
  ASSERT_EQ(interp.mcause, jit.mcause) << where;
  ASSERT_EQ(interp.mepc, jit.mepc) << where;
  ASSERT_EQ(interp.mtval, jit.mtval) << where;
  for (unsigned c = 0; c < 16; ++c) ASSERT_EQ(interp.stats.traps[c], jit.stats.traps[c]) << where;
}

// A Zicsr instruction: funct3 1-3 csrrw/csrrs/csrrc, 5-7 their immediate forms (rs1 = uimm).
inline uint32_t csr_insn(uint32_t funct3, unsigned rd, unsigned rs1, uint32_t number) {
  return 0x73 | rd << 7 | funct3 << 12 | rs1 << 15 | number << 20;
}

}  // namespace unitag::test
