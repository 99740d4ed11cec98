#include "machine/jit/translator.h"

#include <chrono>
#include <exception>

#include "machine/hart/hart.h"
#include "machine/isa/fp.h"
#include "machine/jit/block_emitter.h"

namespace unitag {

// Only where guest addresses are physical ones (no Sv39 for fetches, no partition window): the
// cache is keyed by physical pc and the translator reads the decode cache by it.
bool Hart::run_translated(uint64_t& pc, uint64_t& count, uint64_t limit) {
  if (paged_fetch_ || partition_.partitioned()) return true;
  return jit_->run(*this, pc, count, limit);
}

// Xbyak throws when the host refuses executable memory: the interpreter runs everything then.
bool Hart::enable_translation() {
  try {
    jit_ = std::make_unique<jit::Translator>();
  } catch (const std::exception&) {
    jit_.reset();
  }
  return jit_ != nullptr;
}

namespace jit {

constexpr uint64_t kPageMask = (uint64_t{1} << Bus::kPageBits) - 1;

Translator::Translator() : emitter_(std::make_unique<BlockEmitter>()) {}
Translator::~Translator() = default;

void Translator::flush() {
  cache_.clear();
  emitter_->reset();
}

// The interpreter checks its budget only where control can loop: after a taken jump and on
// entering another page. Blocks end at every branch and make that check themselves on the same
// occasions (block_emitter.cpp), so a run stops after exactly the instructions the
// interpreter's would. Blocks in the same page chain directly; this loop finds the others.
bool Translator::run(Hart& hart, uint64_t& pc, uint64_t& count, uint64_t limit) {
  const Window& w = hart.tlb_.window;
  BlockContext ctx;
  ctx.x = hart.x;
  ctx.window_base = w.base;
  ctx.window_limit = w.limit;
  ctx.window_host = w.host;
  ctx.window_code_pages =
      hart.bus_.code_page_flags() + ((w.paddr - Bus::kRamBase) >> Bus::kPageBits);
  ctx.count = count;
  ctx.limit = limit;
  ctx.hart = &hart;
  ctx.f = hart.f;
  ctx.mstatus = &hart.mstatus;
  ctx.frm = &hart.frm;
  uint64_t fetch_checked_page = pc & ~kPageMask;  // the interpreter checked pc's page
  for (;;) {
    const Block* b = cache_.find(pc);
    if (b == nullptr) {
      // Translating uses host FP (timing, the hash maps' load factors), whose sticky flags would
      // become the guest's: fold the guest's pending flags first, clear what translation left.
      const uint32_t host_csr = hart.fp_ ? fp::host_csr() : 0;
      if (hart.fp_) hart.fflags |= fp::guest_flags(host_csr);
      b = translate(hart, pc);
      if (hart.fp_ && fp::host_csr() != host_csr) fp::reset_host_env();
    }
    if (b->code == nullptr) break;
    ctx.chain = cache_.chain_table();
    b->code(&ctx);
    pc = ctx.next_pc;
    if (ctx.exit == ExitKind::kBudget) {
      count = ctx.count;
      return false;
    }
    if (ctx.exit == ExitKind::kHandBack) break;
    if ((pc & ~kPageMask) != fetch_checked_page) {
      // As the interpreter's page lookup: the whole page must be executable, else it steps.
      Translation t;
      if (!hart.translate(pc & ~kPageMask, 1u << Bus::kPageBits, AccessKind::kFetch, t)) break;
      fetch_checked_page = pc & ~kPageMask;
    }
  }
  count = ctx.count;
  return true;
}

// Decodes through the hart's decode cache (which marks the pages as code, so stores into them
// are seen) and stops at a branch or jump, an instruction left to the interpreter, the page end
// or kMaxInsns.
const Block* Translator::translate(Hart& hart, uint64_t pc) {
  const auto t0 = std::chrono::steady_clock::now();
  Block block;
  block.pc = pc;
  scratch_.clear();
  DecodedPage* page = hart.decoded_page(pc);
  uint64_t at = pc;
  bool to_interpreter = page == nullptr;
  while (page != nullptr && scratch_.size() < BlockEmitter::kMaxInsns) {
    if ((at & ~kPageMask) != (pc & ~kPageMask)) break;
    DecodedInsn& slot = page->slots[(at & kPageMask) >> 1];
    // Not decodable (a fetch fault): the interpreter raises it.
    if (slot.op == Op::kUndecoded && !hart.fill_slot(at, slot)) {
      to_interpreter = true;
      break;
    }
    // A 4-byte instruction across the page end is the interpreter's (its sentinel handles it).
    if (!BlockEmitter::translates(slot) || (at & kPageMask) + slot.len > kPageMask + 1) {
      to_interpreter = true;
      break;
    }
    scratch_.push_back(slot);
    at += slot.len;
    if (BlockEmitter::ends_block(slot)) break;
  }
  block.end_pc = at;
  if (!scratch_.empty()) {
    try {
      if (!emitter_->emit(scratch_, at, to_interpreter, block)) {  // the code buffer is full
        flush();
        ++hart.stats.translation_flushes;
        emitter_->emit(scratch_, at, to_interpreter, block);
      }
      ++hart.stats.translated_blocks;
    } catch (const std::exception&) {  // the emitter refused: this block stays interpreted
      flush();
      block.code = nullptr;
      block.body = nullptr;
    }
  }
  hart.stats.translation_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return cache_.insert(block);
}

}  // namespace jit
}  // namespace unitag
