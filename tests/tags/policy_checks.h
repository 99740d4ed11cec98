// Checks any policy's rule against its declared inputs: the engine zeroes the inputs a policy
// does not declare (inputs()) and memoises rules by the declared ones, so a rule that reads an
// undeclared input would be cached with the wrong result. Used over every registered policy.
#pragma once

#include <fmt/format.h>

#include <random>
#include <string>

#include "tags/engine/policy.h"

namespace unitag::tags {

// For each opgroup and PC-tag state, evaluates rule() on random declared inputs, once with the
// undeclared inputs zeroed (as the engine does) and several times with them random, and returns
// a description of every difference in outputs or denial ("" when the rule reads only what it
// declares). access_size is never part of the key, so it varies too.
inline std::string undeclared_input_dependencies(const Policy& policy, unsigned samples = 200) {
  std::mt19937_64 rng(0x5eed);
  // Policies keep small enumerations in the low bits and colours above: mix both.
  auto random_meta = [&rng]() -> Meta {
    switch (rng() % 3) {
      case 0:
        return rng() % 8;
      case 1:
        return rng() % 64 | (rng() % 8) << 29 | (rng() % 8) << 32;
      default:
        return rng();
    }
  };
  std::string problems;
  for (unsigned op = 0; op < static_cast<unsigned>(OpGroup::kCount); ++op) {
    for (int pc_default = 0; pc_default < 2; ++pc_default) {
      const unsigned declared = policy.inputs(OpGroup(op), pc_default);
      for (unsigned sample = 0; sample < samples; ++sample) {
        RuleInputs base{OpGroup(op)};
        if ((declared & kPc) && !pc_default) base.pc = random_meta();
        if (declared & kCi) base.ci = random_meta();
        if (declared & kRs1) base.rs1 = random_meta();
        if (declared & kRs2) base.rs2 = random_meta();
        if (declared & kMem) {
          base.mem = random_meta();
          base.overhang = static_cast<uint8_t>(rng() % 3);
        }
        RuleOutputs expected;
        const Denial* expected_denial = policy.rule(base, expected);

        RuleInputs noisy = base;
        if (!(declared & kPc) && !pc_default) noisy.pc = random_meta();
        if (!(declared & kCi)) noisy.ci = random_meta();
        if (!(declared & kRs1)) noisy.rs1 = random_meta();
        if (!(declared & kRs2)) noisy.rs2 = random_meta();
        if (!(declared & kMem)) {
          noisy.mem = random_meta();
          noisy.overhang = static_cast<uint8_t>(rng() % 3);
        }
        noisy.access_size = static_cast<uint8_t>(1u << rng() % 4);
        RuleOutputs got;
        const Denial* got_denial = policy.rule(noisy, got);
        if (got_denial == expected_denial && got.pc == expected.pc && got.rd == expected.rd &&
            got.mem == expected.mem)
          continue;
        problems += fmt::format(
            "{}: opgroup {} (pc tag {}default, declared inputs {:#x}): undeclared inputs "
            "pc={:#x} ci={:#x} rs1={:#x} rs2={:#x} mem={:#x} overhang={} changed the result "
            "(denial {} -> {}, pc {:#x} -> {:#x}, rd {:#x} -> {:#x}, mem {:#x} -> {:#x})\n",
            policy.name(), opgroup_name(OpGroup(op)), pc_default ? "" : "not ", declared, noisy.pc,
            noisy.ci, noisy.rs1, noisy.rs2, noisy.mem, noisy.overhang,
            expected_denial ? expected_denial->rule : "none",
            got_denial ? got_denial->rule : "none", expected.pc, got.pc, expected.rd, got.rd,
            expected.mem, got.mem);
        break;  // one report per opgroup and PC state is enough to act on
      }
    }
  }
  return problems;
}

}  // namespace unitag::tags
