// The translation tier's glue for one hart: finds or translates the block at pc, runs blocks
// while the guest stays in translated code and hands the rest back to the interpreter's loop,
// with pc and step count exactly where it would have them. Owns the block cache and code buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "machine/isa/insn.h"
#include "machine/jit/block_cache.h"
#include "machine/jit/tag_check_emitter.h"

namespace unitag {
class Hart;
}

namespace unitag::jit {

class BlockEmitter;

class Translator {
 public:
  // translate_after: a block is translated once it has been entered that many times (0: at
  // once); until then run() hands it to the interpreter. translate_after_tagged: the same for
  // blocks with tag checks (use_tags); trusted blocks count as plain ones.
  explicit Translator(unsigned translate_after = 0, unsigned translate_after_tagged = 0);
  ~Translator();

  // Runs blocks from pc while the budget allows (see Hart::run_translated).
  bool run(Hart& hart, uint64_t& pc, uint64_t& count, uint64_t limit);
  // A store changed [addr, addr + size) (physical): blocks holding those bytes go.
  void invalidate(uint64_t addr, uint64_t size) {
    cache_.invalidate(addr, size);
    trusted_cache_.invalidate(addr, size);
  }
  // fence.i, a reset: nothing translated before survives.
  void flush();
  // Blocks carry the tag checks `tags` describes from now on (nullptr: none); drops the rest.
  void use_tags(const TagLayout* tags);
  const TagLayout* tags() const { return tags_; }
  // After run() handed back an instruction (Hart::translated_resume_pc).
  uint64_t resume_pc() const { return resume_pc_; }
  // Until called with nullptr: code a tag engine trusts (a bound allocator call) runs in blocks
  // without checks, counted in *counter, none holding stop_pc (its return site, which the
  // engine's loop checks itself).
  void run_trusted(uint64_t stop_pc, uint64_t* counter) {
    trusted_stop_ = stop_pc;
    trusted_counter_ = counter;
    if (counter) trusted_cache_.unchain(stop_pc);
  }

 private:
  const Block* translate(Hart& hart, uint64_t pc);
  // A specialised block's guard failed (ExitKind::kRevalidate): whether the block at pc may run
  // again now. If not, the interpreter runs it; one whose entries changed is dropped and, once
  // hot again, translated anew (generic after kMaxRespecialisations).
  bool revalidate(Hart& hart, TagGuard& guard, uint64_t pc, uint64_t count);
  // How many times a block is specialised anew before its checks read the entries instead.
  static constexpr uint8_t kMaxRespecialisations = 3;

  BlockCache& active_cache() { return trusted_counter_ ? trusted_cache_ : cache_; }

  BlockCache cache_;
  BlockCache trusted_cache_;  // blocks without checks while a tag engine trusts the code
  uint64_t trusted_stop_ = 0;
  uint64_t* trusted_counter_ = nullptr;
  std::unique_ptr<BlockEmitter> emitter_;
  std::vector<DecodedInsn> scratch_;
  const TagLayout* tags_ = nullptr;
  uint64_t resume_pc_ = ~uint64_t{0};
  unsigned translate_after_ = 0;
  unsigned translate_after_tagged_ = 0;
  std::unordered_map<uint64_t, uint32_t> entries_;  // untranslated block starts: times entered
  Block uncached_;  // with tags: the empty block at an instruction the interpreter must decode
  std::vector<std::unique_ptr<TagGuard>> guards_;        // of the blocks in the code buffer
  std::unordered_map<uint64_t, uint8_t> respecialised_;  // block start -> times dropped
  // The multikernel window the cached blocks' pcs are guest addresses of (hart.partition()).
  int partition_index_ = -1;
  uint64_t partition_phys_base_ = 0;
};

}  // namespace unitag::jit
