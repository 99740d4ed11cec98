// taint: dynamic information-flow tracking in the style of D-RI5CY. Data from outside is tainted
// at its source: semihosting reads and DMA into guest memory (HostWrite events), loads from the
// UART's registers (the UART device window's tag), and buffers the image declares as input (the
// section `.unitag.input`, symbols named `unitag_input_*`). Taint follows values through every
// ALU, multiply, FP and move instruction (rd is tainted if any source is), through stores (a
// word takes the stored value's taint) and loads (rd takes the word's). A tainted value used as
// an indirect jump or call target, a return address or a load/store address is a violation; each
// sink is an option. Declassification: a function named `unitag_declassify_*` runs trusted and
// returns an untainted a0 (the name is its authority, as for the allocator). Cannot catch:
// implicit flows (a branch on tainted data), taint laundered through CSRs or a trusted function.
#include <fmt/format.h>

#include "tags/policies/flow.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

// Where tainted data came from, one bit per source (values and words keep the union).
constexpr Meta kFromSemihosting = 1, kFromUart = 2, kFromInput = 4, kFromDevice = 8;
constexpr Meta kSources = kFromSemihosting | kFromUart | kFromInput | kFromDevice;
// Memory only: a register of the UART, whose loads deliver received bytes.
constexpr Meta kUartRegister = 16;

constexpr std::string_view kInputSection = ".unitag.input";
constexpr std::string_view kInputPrefix = "unitag_input_";
constexpr std::string_view kDeclassifyPrefix = "unitag_declassify_";

enum Sink : unsigned { kSinkJump = 1, kSinkReturn = 2, kSinkAddress = 4 };

constexpr Denial kTaintedJump{"tainted-jump", "indirect jump or call through a tainted target",
                              "tainted-jump-target"};
constexpr Denial kTaintedReturn{"tainted-return", "return through a tainted return address",
                                "tainted-return-address"};
constexpr Denial kTaintedAddress{"tainted-address", "load or store through a tainted address",
                                 "tainted-address"};

std::string sources(Meta m) {
  std::string s;
  const auto add = [&](Meta bit, std::string_view what) {
    if (!(m & bit)) return;
    if (!s.empty()) s += " + ";
    s += what;
  };
  add(kFromSemihosting, "semihosting read");
  add(kFromUart, "UART receive");
  add(kFromInput, "declared input buffer");
  add(kFromDevice, "device write");
  return s;
}

Meta taint_host_write(Meta, Meta source) { return source; }

class Taint final : public Policy {
 public:
  std::string_view name() const override { return "taint"; }
  std::string_view summary() const override {
    return "tainted data (UART, semihosting reads, declared input) as a jump target, return "
           "address or (option) load/store address";
  }
  std::optional<std::string> set_option(std::string_view key, std::string_view value) override {
    if (key != "sinks") return "unknown option '" + std::string(key) + "'";
    unsigned sinks = 0;
    for (size_t start = 0; start <= value.size();) {
      const size_t plus = std::min(value.find('+', start), value.size());
      const std::string_view sink = value.substr(start, plus - start);
      if (sink == "jump") {
        sinks |= kSinkJump;
      } else if (sink == "return") {
        sinks |= kSinkReturn;
      } else if (sink == "address") {
        sinks |= kSinkAddress;
      } else if (sink != "none" || value != "none") {
        return fmt::format(
            "sinks={}: give sinks from jump, return, address joined by '+' (or none)", value);
      }
      start = plus + 1;
    }
    sinks_ = sinks;
    return std::nullopt;
  }
  std::vector<std::string> options() const override {
    return {
        "sinks=S+S...: which uses of tainted data are violations: jump (indirect jump/call "
        "target), return (return address), address (load/store address), or none (default: "
        "jump+return)"};
  }

  unsigned inputs(OpGroup op, bool) const override {
    switch (flow_of(op)) {
      case Flow::kCompute:
        return kRs1 | kRs2 | kRs3;
      case Flow::kLoad:
        return kRs1 | kMem;
      case Flow::kStore:
        return kRs1 | kRs2 | kMem;
      case Flow::kTransfer:
        return kRs1;
      default:
        return 0;
    }
  }

  std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(
      const ImageFacts& facts) const override {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const ElfSection& s : facts.image().sections())
      if (s.alloc && s.name.starts_with(kInputSection) && s.size)
        ranges.emplace_back(s.addr, s.addr + s.size);
    for (const ElfSymbol& s : facts.image().symbols())
      if (!s.is_function && s.name.starts_with(kInputPrefix) && s.size)
        ranges.emplace_back(s.value, s.value + s.size);
    return ranges;
  }
  Meta memory_meta_at_load(const ImageFacts&, uint64_t) const override { return kFromInput; }
  Meta device_meta(std::string_view device) const override {
    return device == "uart" ? kUartRegister : 0;
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    const Meta rs1 = in.rs1 & kSources, rs2 = in.rs2 & kSources;
    switch (flow_of(in.op)) {
      case Flow::kCompute:
        out.rd = rs1 | rs2 | (in.rs3 & kSources);
        return nullptr;
      case Flow::kLoad:
        if (rs1 && (sinks_ & kSinkAddress)) return &kTaintedAddress;
        out.rd = (in.mem & kUartRegister) ? kFromUart : in.mem & kSources;
        return nullptr;
      case Flow::kStore:
        if (rs1 && (sinks_ & kSinkAddress)) return &kTaintedAddress;
        if (in.mem & kUartRegister) {
          out.mem = in.mem;  // a device register: its tag is its place's
          return nullptr;
        }
        // A whole word takes the value's taint; a narrower store keeps the rest of the word's.
        out.mem = in.op == OpGroup::kStore64 ? rs2 : (in.mem & kSources) | rs2;
        if (in.op == OpGroup::kAmo) out.rd = in.mem & kSources;
        return nullptr;
      case Flow::kTransfer:
        if (in.op == OpGroup::kReturn)
          return rs1 && (sinks_ & kSinkReturn) ? &kTaintedReturn : nullptr;
        return rs1 && (sinks_ & kSinkJump) ? &kTaintedJump : nullptr;
      default:
        return nullptr;  // links, CSR reads, tag instructions: fresh, untainted values
    }
  }

  std::vector<std::string> bound_functions(const ImageFacts& facts) const override {
    std::vector<std::string> names;
    for (const ElfSymbol& s : facts.image().symbols())
      if (s.is_function && s.name.starts_with(kDeclassifyPrefix)) names.push_back(s.name);
    return names;
  }
  EventSet events() const override {
    return EventSet::of<HostWrite, BoundCallEntry, BoundCallReturn>();
  }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* w = std::get_if<HostWrite>(&e)) {
      Meta source = 0;  // a debugger's or the tool's bytes are the user's own, not input
      if (w->source == HostWriteSource::kSemihosting) source = kFromSemihosting;
      if (w->source == HostWriteSource::kDevice) source = kFromDevice;
      tags.update_range(w->addr, w->size, &taint_host_write, source);
    } else if (std::holds_alternative<BoundCallReturn>(e)) {
      constexpr unsigned kA0 = 10;
      tags.set_reg_meta(kA0, 0);  // the declassifier vouches for its result
    }
    return nullptr;
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    if (m & kUartRegister) return "UART register (loads are tainted)";
    return "tainted by " + sources(m);
  }
  Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    const char* sink = &d == &kTaintedJump     ? "an indirect jump or call target"
                       : &d == &kTaintedReturn ? "a return address"
                                               : "a load or store address";
    return {{},
            fmt::format("flow: source {} -> sink {} (register rs1)\n"
                        "declassify through a trusted function named {}* (e.g. a bounds check)",
                        sources(in.rs1), sink, kDeclassifyPrefix)};
  }

 private:
  unsigned sinks_ = kSinkJump | kSinkReturn;
};

}  // namespace

std::unique_ptr<Policy> make_taint_policy() { return std::make_unique<Taint>(); }

}  // namespace unitag::tags
