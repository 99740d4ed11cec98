// x86-64 code (Xbyak) for one block of straight-line RV64IM(C) ending at a branch or jump: guest
// registers in the hart's array, loads and stores through the interpreter's inline window, and
// an exit handing an instruction back to the interpreter where that misses. x86-64 hosts only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "machine/isa/insn.h"
#include "machine/jit/block_cache.h"
#include "machine/jit/tag_check_emitter.h"

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

  // Code for `insns`, the first at block.pc, each following the one before; the last may be a
  // branch or jump, else the block goes on at end_pc (in the interpreter when
  // ends_at_interpreter). Sets block.code and block.body; false when the buffer is full (the
  // caller empties the cache and calls reset()). With tags and a guard, the checks are
  // specialised on the instructions' code entries (TagGuard; it must outlive the code).
  bool emit(const std::vector<DecodedInsn>& insns, uint64_t end_pc, bool ends_at_interpreter,
            Block& block, TagGuard* guard = nullptr);
  void reset();
  // Blocks emitted from now on check tags as `tags` says (nullptr: no checks).
  void set_tags(const TagLayout* tags) { tags_ = tags; }

 private:
  std::unique_ptr<Xbyak::CodeGenerator> code_;
  const TagLayout* tags_ = nullptr;
};

}  // namespace unitag::jit
