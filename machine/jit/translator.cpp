#include "machine/jit/translator.h"

#include <chrono>
#include <exception>

#include "machine/hart/hart.h"
#include "machine/isa/fp.h"
#include "machine/jit/block_emitter.h"

namespace unitag {

// Not where fetches are translated by Sv39 (a pc's physical address may change under the
// cache). The cache is keyed by the guest pc: physical, or in a multikernel partition the
// guest address of a fixed window (invalidate_code maps stores back through it), so a hart
// whose window changes starts from an empty cache.
bool Hart::run_translated(uint64_t& pc, uint64_t& count, uint64_t limit) {
  if (paged_fetch_) return true;
  return jit_->run(*this, pc, count, limit);
}

// Xbyak throws when the host refuses executable memory: the interpreter runs everything then.
bool Hart::enable_translation(unsigned translate_after, unsigned translate_after_tagged) {
  try {
    jit_ = std::make_unique<jit::Translator>(translate_after, translate_after_tagged);
  } catch (const std::exception&) {
    jit_.reset();
  }
  return jit_ != nullptr;
}

uint64_t Hart::translated_resume_pc() const {
  return paged_fetch_ || partition_.partitioned() ? ~uint64_t{0} : jit_->resume_pc();
}

void Hart::translate_trusted(uint64_t stop_pc, uint64_t* trusted) {
  if (jit_) jit_->run_trusted(stop_pc, trusted);
}

void Hart::translate_with_tags(const jit::TagLayout* tags) {
  if (jit_ && jit_->tags() != tags) jit_->use_tags(tags);
}

namespace jit {

constexpr uint64_t kPageMask = (uint64_t{1} << Bus::kPageBits) - 1;

Translator::Translator(unsigned translate_after, unsigned translate_after_tagged)
    : emitter_(std::make_unique<BlockEmitter>()),
      translate_after_(translate_after),
      translate_after_tagged_(translate_after_tagged) {}
Translator::~Translator() = default;

void Translator::flush() {
  cache_.clear();
  trusted_cache_.clear();
  emitter_->reset();
  guards_.clear();
}

void Translator::use_tags(const TagLayout* tags) {
  flush();
  tags_ = tags;
}

// The interpreter checks its budget only where control can loop: after a taken jump and on
// entering another page. Blocks end at every branch and make that check themselves on the same
// occasions (block_emitter.cpp), so a run stops after exactly the instructions the
// interpreter's would. Blocks in the same page chain directly; this loop finds the others.
bool Translator::run(Hart& hart, uint64_t& pc, uint64_t& count, uint64_t limit) {
  const PartitionWindow& partition = hart.partition();
  if (partition.index != partition_index_ || partition.phys_base != partition_phys_base_) {
    flush();
    partition_index_ = partition.index;
    partition_phys_base_ = partition.phys_base;
  }
  resume_pc_ = ~uint64_t{0};
  // A block start left to the interpreter (FP in a tagged block, a CSR): nothing to set up.
  if (const Block* b = active_cache().find(pc); b != nullptr && b->code == nullptr) return true;
  const Window& w = hart.tlb_.window;
  BlockContext ctx;
  ctx.x = hart.x;
  ctx.window_base = w.base;
  ctx.window_limit = w.limit;
  ctx.window_host = w.host;
  ctx.window_code_pages =
      hart.bus_.code_page_flags() + ((w.paddr - Bus::kRamBase) >> Bus::kPageBits);
  ctx.window_ram_offset = w.paddr - Bus::kRamBase;
  ctx.count = count;
  ctx.limit = limit;
  // With tags compiled in, every instruction a block retires passed its check's common path.
  const uint64_t count_before = count;
  uint64_t* const counter = trusted_counter_ ? trusted_counter_ : tags_ ? tags_->checked : nullptr;
  const auto done = [&] {
    if (counter) *counter += ctx.count - count_before;
    count = ctx.count;
  };
  BlockCache& cache = active_cache();
  ctx.chain = cache.chain_table();
  ctx.hart = &hart;
  ctx.f = hart.f;
  ctx.mstatus = &hart.mstatus;
  ctx.frm = &hart.frm;
  uint64_t fetch_checked_page = pc & ~kPageMask;  // the interpreter checked pc's page
  const unsigned translate_after =
      tags_ && !trusted_counter_ ? translate_after_tagged_ : translate_after_;
  for (;;) {
    const Block* b = cache.find(pc);
    // Not hot yet: the interpreter runs it, up to the next block start.
    if (b == nullptr && translate_after != 0 && ++entries_[pc] <= translate_after) break;
    if (b == nullptr) {
      // Translating uses host FP (timing, the hash maps' load factors), whose sticky flags would
      // become the guest's: fold the guest's pending flags first, clear what translation left.
      const uint32_t host_csr = hart.fp_ ? fp::host_csr() : 0;
      if (hart.fp_) hart.fflags |= fp::guest_flags(host_csr);
      b = translate(hart, pc);
      if (hart.fp_ && fp::host_csr() != host_csr) fp::reset_host_env();
    }
    if (b->code == nullptr) break;
    if (trusted_counter_ && trusted_stop_ - b->pc < b->end_pc - b->pc) break;  // not chained
    b->code(&ctx);
    pc = ctx.next_pc;
    if (ctx.exit == ExitKind::kBudget) {
      done();
      return false;
    }
    if (ctx.exit == ExitKind::kRevalidate) {
      ++hart.stats.tag_revalidations;
      if (revalidate(hart, *static_cast<TagGuard*>(ctx.guard), pc, ctx.count)) continue;
      break;
    }
    if (ctx.exit == ExitKind::kHandBack) {
      // With tags, an instruction it translates came back for the slow path of its check (or
      // for a miss of the window): only that one needs the interpreter.
      if (DecodedPage* page = tags_ && !trusted_counter_ ? hart.decoded_page(pc) : nullptr) {
        const DecodedInsn& handed = page->slots[(pc & kPageMask) >> 1];
        if (handed.op != Op::kUndecoded && BlockEmitter::translates(handed) &&
            TagCheckEmitter::checks(handed))
          resume_pc_ = pc + handed.len;
      }
      break;
    }
    if ((pc & ~kPageMask) != fetch_checked_page) {
      // As the interpreter's page lookup: the whole page must be executable, else it steps.
      Translation t;
      if (!hart.translate(pc & ~kPageMask, 1u << Bus::kPageBits, AccessKind::kFetch, t)) break;
      fetch_checked_page = pc & ~kPageMask;
    }
  }
  done();
  return true;
}

// Revalidations this close together (in the hart's steps) mean the engine's state moves
// faster than the block runs: its checks should read the entries themselves.
constexpr uint64_t kHotRevalidationSteps = 1u << 14;
constexpr unsigned kMaxHotRevalidations = 16, kMaxNotReady = 16;

bool Translator::revalidate(Hart& hart, TagGuard& guard, uint64_t pc, uint64_t count) {
  const TagGuard::Revalidation r = guard.revalidate(*tags_);
  if (r == TagGuard::Revalidation::kValid) {
    const bool hot = count - guard.last_revalidation < kHotRevalidationSteps;
    guard.last_revalidation = count;
    if (!hot || ++guard.hot_revalidations <= kMaxHotRevalidations) return true;
    respecialised_[pc] = kMaxRespecialisations;  // generic from now on
  } else if (r == TagGuard::Revalidation::kNotReady && ++guard.not_ready <= kMaxNotReady) {
    return false;
  } else if (respecialised_[pc] < kMaxRespecialisations) {
    ++respecialised_[pc];
  }
  ++hart.stats.tag_respecialisations;
  cache_.erase(pc);
  entries_[pc] = 0;  // translated again once the interpreter has looked its entries up
  return false;
}

// Decodes through the hart's decode cache (which marks the pages as code, so stores into them
// are seen) and stops at a branch or jump, an instruction left to the interpreter, the page end
// or kMaxInsns.
const Block* Translator::translate(Hart& hart, uint64_t pc) {
  const auto t0 = std::chrono::steady_clock::now();
  Block block;
  block.pc = pc;
  scratch_.clear();
  const bool checked = tags_ && !trusted_counter_;
  emitter_->set_tags(checked ? tags_ : nullptr);
  DecodedPage* page = hart.decoded_page(pc);
  uint64_t at = pc;
  bool to_interpreter = page == nullptr, undecoded = false;
  while (page != nullptr && scratch_.size() < BlockEmitter::kMaxInsns) {
    if ((at & ~kPageMask) != (pc & ~kPageMask)) break;
    DecodedInsn& slot = page->slots[(at & kPageMask) >> 1];
    // With tags, decoding gives an instruction its tags (interned in order of first decode, as
    // reports and statistics show them): only the interpreter decodes, as it first runs each.
    if (slot.op == Op::kUndecoded && tags_) {
      to_interpreter = undecoded = true;
      break;
    }
    // Not decodable (a fetch fault): the interpreter raises it.
    if (slot.op == Op::kUndecoded && !hart.fill_slot(at, slot)) {
      to_interpreter = true;
      break;
    }
    // A 4-byte instruction across the page end is the interpreter's (its sentinel handles it).
    if (!BlockEmitter::translates(slot) || (checked && !TagCheckEmitter::checks(slot)) ||
        (at & kPageMask) + slot.len > kPageMask + 1) {
      to_interpreter = true;
      break;
    }
    scratch_.push_back(slot);
    at += slot.len;
    if (BlockEmitter::ends_block(slot)) break;
  }
  block.end_pc = at;
  // Not run yet: translated once the interpreter has run it. (A block starting with an
  // instruction left to the interpreter is cached empty, so reaching it again costs a lookup.)
  if (scratch_.empty() && undecoded) {
    uncached_ = block;
    return &uncached_;
  }
  if (!scratch_.empty()) {
    // With checks, specialised on the entries unless this block's kept changing.
    const auto dropped = respecialised_.find(pc);
    const bool specialise =
        checked && (dropped == respecialised_.end() || dropped->second < kMaxRespecialisations);
    const auto emit = [&] {
      if (specialise) guards_.push_back(std::make_unique<TagGuard>());
      return emitter_->emit(scratch_, at, to_interpreter, block,
                            specialise ? guards_.back().get() : nullptr);
    };
    try {
      if (!emit()) {  // the code buffer is full (flush() drops the guard too)
        flush();
        ++hart.stats.translation_flushes;
        emit();
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
  const Block* inserted = active_cache().insert(block);
  if (trusted_counter_) trusted_cache_.unchain(trusted_stop_);  // it may hold the stop
  return inserted;
}

}  // namespace jit
}  // namespace unitag
