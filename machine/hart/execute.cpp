// The execute loop. Dispatch is threaded (computed goto over one label per table entry); the
// instruction table supplies every label's body, so semantics live only in machine/isa/*.inc.
// The loop (execute_loop.inc) is instantiated here twice: without hooks (no checking code at
// all) and with any hooks; hooks may also run a loop of their own (ExecutionHooks::execute).
#include "machine/hart/execute_loop.inc"

namespace unitag {
namespace {
struct NoChecks {
  static constexpr bool kChecks = false;
  bool check(Hart&, const DecodedInsn&, uint64_t) { return true; }
  bool uses_host_fp() const { return false; }
};
// No checks, and translated blocks (machine/jit) wherever a block starts.
struct TranslatedRun {
  static constexpr bool kChecks = false;
  static constexpr bool kTranslated = true;
  bool check(Hart&, const DecodedInsn&, uint64_t) { return true; }
  bool uses_host_fp() const { return false; }
};
// Any ExecutionHooks, called through the interface from one shared check site.
struct HookChecks {
  static constexpr bool kChecks = true;
  ExecutionHooks& hooks;
  bool use_host_fp;
  bool check(Hart& h, const DecodedInsn& d, uint64_t pc) {
    return hooks.before_instruction(h, d, pc);
  }
  bool uses_host_fp() const { return use_host_fp; }
};
}  // namespace

uint64_t Hart::publish_labels() {
  NoChecks none;
  return execute_loop(none, 0);
}

uint64_t Hart::execute(uint64_t budget) {
  // Pending guest FP flags live in the host's sticky flags during a block (fp.h); host code
  // between blocks may have raised some.
  if (fp_) fp::reset_host_env();
  if (hooks_ == nullptr) {
#if UNITAG_HAS_JIT
    if (jit_) {
      TranslatedRun translated;
      return execute_loop(translated, budget);
    }
#endif
    NoChecks none;
    return execute_loop(none, budget);
  }
  if (hooks_own_loop_) return hooks_->execute(*this, budget);
  HookChecks checks{*hooks_, hooks_use_host_fp_};
  return execute_loop(checks, budget);
}

}  // namespace unitag
