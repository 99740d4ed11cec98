// types: type tags for dynamic-language values, in the style of Typed Architectures (ASPLOS
// 2017). A value's type (4 bits, the guest's numbering; 1 = integer) lives in the tag of its
// register or memory word: `tag.settype` sets it, `tag.typeof` reads it, and it follows the value
// through moves, 64-bit loads and stores (and an addition with an untyped operand, which is how
// compilers spell `mv`). The typed ALU forms (tag.tadd, tag.tsub, tag.tlt) are checked by the
// rule: two integer operands give an integer result; anything else leaves the result untyped (the
// guest tests it with tag.typeof and takes its slow path), or with `miss=trap` is a violation.
// Cannot catch: a value retyped by code that executes tag.settype (the guest's own runtime).
#include <fmt/format.h>

#include "abi/unitag/type_tags.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr Meta kTypeMask = UNITAG_TYPE_MAX;
constexpr Meta kInt = UNITAG_TYPE_INT;

constexpr Denial kTypeMiss{
    "type-miss", "typed ALU operation on operands that are not both integers", "type-mismatch"};

Meta propagated(Meta a, Meta b) { return a && b ? 0 : a | b; }

class Types final : public Policy {
 public:
  std::string_view name() const override { return "types"; }
  std::string_view summary() const override {
    return "type tags on values (settype/typeof, typed add/sub/compare that check operand types)";
  }
  std::optional<std::string> set_option(std::string_view key, std::string_view value) override {
    if (key != "miss") return "unknown option '" + std::string(key) + "'";
    if (value != "fallback" && value != "trap")
      return fmt::format("miss={}: give fallback or trap", value);
    trap_on_miss_ = value == "trap";
    return std::nullopt;
  }
  std::vector<std::string> options() const override {
    return {
        "miss=fallback|trap: a typed ALU operation on non-integers leaves an untyped result the "
        "guest falls back on (fallback, the default) or is a violation (trap)"};
  }

  unsigned inputs(OpGroup op, bool) const override {
    switch (op) {
      case OpGroup::kMove:
        return kRs1;
      case OpGroup::kAdd:
      case OpGroup::kTypedAlu:
        return kRs1 | kRs2;
      case OpGroup::kLoad64:
      case OpGroup::kFpLoad:
      case OpGroup::kAmo:
        return kMem;
      case OpGroup::kStore64:
      case OpGroup::kFpStore:
        return kRs2;
      default:
        return 0;
    }
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    switch (in.op) {
      case OpGroup::kMove:
        out.rd = in.rs1;
        return nullptr;
      case OpGroup::kAdd:  // `mv` compresses to `add rd, x0, rs2`
        out.rd = propagated(in.rs1, in.rs2);
        return nullptr;
      case OpGroup::kTypedAlu:
        if (in.rs1 == kInt && in.rs2 == kInt) {
          out.rd = kInt;
          return nullptr;
        }
        return trap_on_miss_ ? &kTypeMiss : nullptr;
      case OpGroup::kLoad64:
      case OpGroup::kFpLoad:
      case OpGroup::kAmo:  // the old word comes back typed; the new one is a fresh value
        out.rd = in.mem;
        return nullptr;
      case OpGroup::kStore64:
      case OpGroup::kFpStore:
        out.mem = in.rs2;
        return nullptr;
      default:
        return nullptr;  // narrow loads and stores, every other result: untyped
    }
  }

  EventSet events() const override { return EventSet::of<TagInstruction>(); }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    const auto& t = std::get<TagInstruction>(e);
    if (t.op == OpGroup::kTagSetType) tags.set_reg_meta(t.rd, t.rs2 & kTypeMask);
    if (t.op == OpGroup::kTagTypeOf) tags.set_result(t.rs1_meta);
    return nullptr;
  }

  std::string describe(Meta m, Site) const override {
    if (m == 0) return "-";
    return m == kInt ? "int" : fmt::format("type {}", m);
  }
  Explanation explain(const Denial&, const RuleInputs& in, bool, uint64_t) const override {
    return {{},
            fmt::format("operand types: rs1 {}, rs2 {} (both must be int)",
                        describe(in.rs1, Site::kRegister), describe(in.rs2, Site::kRegister))};
  }

 private:
  bool trap_on_miss_ = false;
};

}  // namespace

std::unique_ptr<Policy> make_types_policy() { return std::make_unique<Types>(); }

}  // namespace unitag::tags
