// Two ExecutionHooks watching one hart together (a debugger, a tag engine, a tracer): the first
// runs first and may suppress the instruction, in which case the second does not see it.
// Chains nest, so any number of observers compose; the chain owns neither of them.
#pragma once

#include <string>

#include "machine/hart/hooks.h"

namespace unitag {

class HookChain final : public ExecutionHooks {
 public:
  HookChain(ExecutionHooks& first, ExecutionHooks& second) : first_(first), second_(second) {}

  bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) override {
    return first_.before_instruction(hart, insn, pc) && second_.before_instruction(hart, insn, pc);
  }
  void on_decode(Hart& hart, DecodedInsn& insn, uint64_t pc) override {
    first_.on_decode(hart, insn, pc);
    second_.on_decode(hart, insn, pc);
  }
  void on_trap(Hart& hart, uint64_t cause, uint64_t epc) override {
    first_.on_trap(hart, cause, epc);
    second_.on_trap(hart, cause, epc);
  }
  bool uses_host_fp() const override { return first_.uses_host_fp() || second_.uses_host_fp(); }
  std::string describe_last(const Hart& hart) const override {
    std::string a = first_.describe_last(hart), b = second_.describe_last(hart);
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a + "; " + b;
  }
  // The first hook that recognises the command answers it.
  std::string monitor(Hart& hart, const std::string& command) override {
    std::string answer = first_.monitor(hart, command);
    return answer.empty() ? second_.monitor(hart, command) : answer;
  }
  uint64_t memory_tag(uint64_t addr) const override {
    const uint64_t tag = first_.memory_tag(addr);
    return tag != 0 ? tag : second_.memory_tag(addr);
  }
  uint64_t tag_result() const override {
    const uint64_t result = first_.tag_result();
    return result != 0 ? result : second_.tag_result();
  }

 private:
  ExecutionHooks& first_;
  ExecutionHooks& second_;
};

}  // namespace unitag
