// x86-64 code for one translated block (Xbyak, Debian's libxbyak-dev): straight-line RV64IM(C)
// ending at a branch or jump, guest registers in the hart's register array (addressed from
// one host register), loads and stores through the interpreter's inline window check with an
// exit handing the instruction back to the interpreter when it misses. x86-64 hosts only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "machine/isa/insn.h"
#include "machine/jit/block_cache.h"

namespace Xbyak {
class CodeGenerator;
}

namespace unitag::jit {

class BlockEmitter {
 public:
  // Code space for all of one hart's blocks; the cache is emptied when it runs out.
  static constexpr size_t kBufferBytes = 8u << 20;
  // The longest block translated (bounds the code one block takes).
  static constexpr unsigned kMaxInsns = 64;

  BlockEmitter();
  ~BlockEmitter();

  // Whether the translator handles this instruction (everything else runs in the interpreter).
  static bool translates(const DecodedInsn& d);
  // Whether the instruction ends a block (branches and jumps).
  static bool ends_block(const DecodedInsn& d);

  // Code for `insns`, the first at `pc`, each following the one before; the block's last
  // instruction may be a branch or jump. Falls through to `end_pc` otherwise. nullptr when the
  // buffer is full (the caller empties the cache and calls reset()).
  BlockCode emit(const std::vector<DecodedInsn>& insns, uint64_t pc, uint64_t end_pc);
  void reset();

 private:
  std::unique_ptr<Xbyak::CodeGenerator> code_;
};

}  // namespace unitag::jit
