// The translation tier's glue for one hart: finds or translates the block at pc, runs blocks
// while the guest stays in translated code and hands the rest back to the interpreter's loop,
// with pc and step count exactly where it would have them. Owns the block cache and code buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "machine/isa/insn.h"
#include "machine/jit/block_cache.h"

namespace unitag {
class Hart;
}

namespace unitag::jit {

class BlockEmitter;

class Translator {
 public:
  Translator();
  ~Translator();

  // Runs blocks from pc while the budget allows (see Hart::run_translated).
  bool run(Hart& hart, uint64_t& pc, uint64_t& count, uint64_t limit);
  // A store changed [addr, addr + size) (physical): blocks holding those bytes go.
  void invalidate(uint64_t addr, uint64_t size) { cache_.invalidate(addr, size); }
  // fence.i, a reset: nothing translated before survives.
  void flush();

 private:
  const Block* translate(Hart& hart, uint64_t pc);

  BlockCache cache_;
  std::unique_ptr<BlockEmitter> emitter_;
  std::vector<DecodedInsn> scratch_;
};

}  // namespace unitag::jit
