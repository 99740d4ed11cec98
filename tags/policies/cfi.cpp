// cfi: coarse-grained control-flow integrity, PUMP style. An indirect call must land on a
// function entry; a return must land on a return site (the instruction after a call); any other
// computed jump on a function entry (tail call) or inside the jumping function (switch tables).
// The jump sets the PC tag, the landing instruction's CI tag is checked against it. Costs a CI
// tag per function (entry, return-site bits + function index) and 4 PC states. Cannot catch:
// a call to the wrong function entry, a return to the wrong return site (stack does that).
// C++ exceptions: the unwinder's return (__builtin_eh_return in libgcc's _Unwind_* functions)
// may land on a landing pad named by the image's exception tables, or on a return site.
#include <fmt/format.h>

#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

// Instruction tag: bit 0 function entry, bit 1 return site, bit 2 landing pad, bit 3 inside an
// unwinder, bits 32.. function index (0: none).
constexpr Meta kEntry = 1, kReturnSite = 2, kLandingPad = 4, kInUnwinder = 8;
// PC tag (bits 0-2): what the next instruction must be.
constexpr Meta kExpectEntry = 1, kExpectReturnSite = 2, kExpectJumpTarget = 3,
               kExpectLandingPad = 4;

Meta function_of(Meta m) { return m >> 32; }

constexpr Denial kCallTarget{"call-target",
                             "indirect call to an address that is not a function entry",
                             "cfi-bad-call-target"};
constexpr Denial kReturnTarget{"return-target", "return to an address that does not follow a call",
                               "cfi-bad-return-target"};
constexpr Denial kJumpTarget{"jump-target",
                             "computed jump outside the jumping function, not to a function entry",
                             "cfi-bad-jump-target"};

class Cfi final : public Policy {
 public:
  std::string_view name() const override { return "cfi"; }
  std::string_view summary() const override {
    return "indirect calls only to function entries, returns only to call sites, jumps within the "
           "function";
  }
  void prepare(const ImageFacts& facts, const SourceLines&) override { facts_ = &facts; }
  unsigned inputs(OpGroup op, bool pc_is_default) const override {
    return !pc_is_default || op == OpGroup::kJumpIndirect || op == OpGroup::kReturn ? kPc | kCi
                                                                                    : unsigned{kPc};
  }
  // Function indices are only compared (an indirect jump stays in its function) and copied.
  std::vector<IdentityField> identity_fields() const override {
    return {{Site::kPc, 32, 32, 1, UINT32_MAX}, {Site::kInstruction, 32, 32, 1, UINT32_MAX}};
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    // Code whose functions nobody named (a stripped firmware) takes any transfer.
    if (facts.in_trusted_image(pc)) return kEntry | kReturnSite | kLandingPad;
    Meta m = 0;
    if (facts.is_function_entry(pc)) m |= kEntry;
    if (facts.is_return_site(pc)) m |= kReturnSite;
    if (facts.is_landing_pad(pc)) m |= kLandingPad;
    if (facts.in_unwinder(pc)) m |= kInUnwinder;
    if (const FunctionInfo* f = facts.function_at(pc)) m |= Meta{f->index} << 32;
    return m;
  }
  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    switch (in.pc & 7) {
      case kExpectEntry:
        if (!(in.ci & kEntry)) return &kCallTarget;
        break;
      case kExpectReturnSite:
        if (!(in.ci & kReturnSite)) return &kReturnTarget;
        break;
      case kExpectJumpTarget:
        if (!(in.ci & kEntry) && function_of(in.ci) != function_of(in.pc)) return &kJumpTarget;
        break;
      case kExpectLandingPad:
        if (!(in.ci & (kLandingPad | kReturnSite))) return &kReturnTarget;
        break;
    }
    switch (in.op) {
      case OpGroup::kCallIndirect:
        out.pc = kExpectEntry;
        break;
      case OpGroup::kReturn:
        out.pc = in.ci & kInUnwinder ? kExpectLandingPad : kExpectReturnSite;
        break;
      case OpGroup::kJumpIndirect:
        out.pc = kExpectJumpTarget | (function_of(in.ci) << 32);
        break;
      default:
        break;
    }
    return nullptr;
  }
  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    if (site == Site::kPc) {
      static constexpr const char* kStates[] = {
          "-", "after an indirect call: expects a function entry",
          "after a return: expects a return site", "after a computed jump",
          "after the unwinder's return: expects a landing pad or a return site"};
      std::string s = (m & 7) <= kExpectLandingPad ? kStates[m & 7] : "?";
      if ((m & 7) == kExpectJumpTarget) s += " from " + function_name(function_of(m));
      return s;
    }
    std::string s = "in " + function_name(function_of(m));
    if (m & kEntry) s += ", function entry";
    if (m & kReturnSite) s += ", return site";
    if (m & kLandingPad) s += ", landing pad";
    return s;
  }
  Explanation explain(const Denial& d, const RuleInputs& in, bool, uint64_t) const override {
    if (&d == &kCallTarget)
      return {{}, "the previous instruction called through a pointer to a non-entry"};
    if (&d == &kReturnTarget)
      return {{}, "the previous instruction returned to an address no call left"};
    return {{}, "the previous instruction jumped outside its function"};
  }

 private:
  std::string function_name(Meta index) const {
    const FunctionInfo* f = facts_ ? facts_->function_by_index(index) : nullptr;
    return f ? f->name : fmt::format("function #{}", index);
  }
  const ImageFacts* facts_ = nullptr;
};

}  // namespace

std::unique_ptr<Policy> make_cfi_policy() { return std::make_unique<Cfi>(); }

}  // namespace unitag::tags
