// stack: return-address protection (SDMP's "return address" policy). A call tags the link
// register it writes as a return address; 64-bit moves, loads and stores carry that tag; any
// other write (a byte copy, arithmetic, a narrower store into the saved slot) clears it; `ret`
// requires it. Catches a saved return address overwritten by a stack buffer overflow, and
// returns through forged addresses. Costs one bit per word and register, about 10 rules.
// Cannot catch: overwrites of other stack data (locals, frame pointers), or a return address
// replaced by another genuine return address (e.g. copied from elsewhere on the stack).
// `addi ra, ra, k` keeps the tag (rule inputs do not include immediates).
// C++ exceptions: libgcc's unwinder returns into a handler through an ra it computed from the
// exception tables (__builtin_eh_return); its returns are exempt, and cfi checks where they land.
// That exemption is what a forged unwind context could abuse: stack alone does not see it.
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr Meta kReturnAddress = 1;
constexpr Meta kUnwinderCode = 1;  // instruction tag: inside an unwinder (_Unwind_RaiseException)
// Instruction tag: computes a kernel's return-by-convention address (ImageFacts::
// makes_linkage_return), which is a return address though no call wrote it.
constexpr Meta kMakesReturnAddress = 2;

constexpr Denial kNotAReturnAddress{
    "return-address",
    "ret through ra, whose value was not written by a call (a corrupted saved return address)",
    "return-address-overwrite"};

class Stack final : public Policy {
 public:
  std::string_view name() const override { return "stack"; }
  std::string_view summary() const override {
    return "return-address protection: ret only through a return address written by a call";
  }
  unsigned inputs(OpGroup op, bool) const override {
    switch (op) {
      case OpGroup::kMove:
        return kRs1;
      case OpGroup::kReturn:
        return kRs1 | kCi;
      case OpGroup::kAdd:
        return kRs1 | kRs2 | kCi;
      case OpGroup::kLoad64:
        return kMem;
      case OpGroup::kStore64:
        return kRs2;
      default:
        return 0;
    }
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    // A stripped firmware's returns are not checked either (cfi trusts its control flow).
    if (facts.in_unwinder(pc) || facts.in_trusted_image(pc)) return kUnwinderCode;
    return facts.makes_linkage_return(pc) ? kMakesReturnAddress : 0;
  }
  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    switch (in.op) {
      case OpGroup::kCall:
      case OpGroup::kCallIndirect:
        out.rd = kReturnAddress;
        break;
      case OpGroup::kMove:
        out.rd = in.rs1;
        break;
      case OpGroup::kAdd:  // c.mv is `add rd, x0, rs2`: one return-address operand, one default
        out.rd = (in.rs1 ^ in.rs2) == kReturnAddress || (in.ci & kMakesReturnAddress)
                     ? kReturnAddress
                     : 0;
        break;
      case OpGroup::kLoad64:
        out.rd = in.mem;
        break;
      case OpGroup::kStore64:
        out.mem = in.rs2;
        break;
      case OpGroup::kReturn:
        if (in.rs1 != kReturnAddress && !(in.ci & kUnwinderCode)) return &kNotAReturnAddress;
        break;
      default:
        break;
    }
    return nullptr;
  }
  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    if (site == Site::kInstruction)
      return m & kMakesReturnAddress ? "computes a return-by-convention address"
                                     : "returns not checked (an unwinder's, or unnamed firmware)";
    return site == Site::kMemory ? "holds a return address" : "return address";
  }
  Explanation explain(const Denial&, const RuleInputs&, bool, uint64_t) const override {
    return {
        {},
        "ra does not hold a return address written by a call: the saved return address of this\n"
        "function was overwritten (e.g. a stack buffer overflow) or forged"};
  }
};

}  // namespace

std::unique_ptr<Policy> make_stack_policy() { return std::make_unique<Stack>(); }

}  // namespace unitag::tags
