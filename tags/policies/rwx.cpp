// rwx: no store to code, no instruction fetched from data. Code is every executable section of
// the image; everything else (data, bss, stack, heap) is data. Costs one CI bit and one memory
// bit. Cannot catch: code reuse (ROP/JOP run existing code: see cfi and stack), writes to
// read-only data (.rodata is data here, as in the ELF's single RWX segment of bare images).
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr Meta kCode = 1;             // memory: the word holds code
constexpr Meta kFetchedFromData = 1;  // instruction: fetched from outside every code section

constexpr Denial kFetchFromData{"fetch-from-data",
                                "instruction fetched from a word outside every code section",
                                "execute-data"};
constexpr Denial kStoreToCode{"store-to-code", "store into a word of code", "write-to-code"};

class Rwx final : public Policy {
 public:
  std::string_view name() const override { return "rwx"; }
  std::string_view summary() const override {
    return "no store to code, no instruction fetched from data (W^X at word granularity)";
  }
  unsigned inputs(OpGroup op, bool) const override {
    return writes_memory(op) ? kCi | kMem : unsigned{kCi};
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    return facts.is_code(pc) ? 0 : kFetchedFromData;
  }
  std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(
      const ImageFacts& facts) const override {
    return facts.code_ranges();
  }
  Meta memory_meta_at_load(const ImageFacts&, uint64_t) const override { return kCode; }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    if (in.ci == kFetchedFromData) return &kFetchFromData;
    if (writes_memory(in.op)) {
      if (in.mem == kCode) return &kStoreToCode;
      out.mem = in.mem;
    }
    return nullptr;
  }
  // Whether a word holds code belongs to its place, not to the bytes a debugger writes there.
  EventSet events() const override { return EventSet::of<HostWrite>(); }
  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    return site == Site::kMemory ? "code" : site == Site::kInstruction ? "fetched from data" : "?";
  }
};

}  // namespace

std::unique_ptr<Policy> make_rwx_policy() { return std::make_unique<Rwx>(); }

}  // namespace unitag::tags
