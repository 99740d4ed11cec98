// ifc: information-flow control on a lattice of labels, in the style of HyperFlow. Data labelled
// above the bottom level (the section `.unitag.secret`, or names in a lattice file) may not reach
// a sink cleared for less: the UART (a store to its registers), a semihosting write (the host's
// read of guest memory), or memory labelled with a lower clearance (`.unitag.public`). Labels
// follow explicit flows: every operand of an instruction into its result, the address into a
// loaded value, a stored value into its word. Implicit flows are not tracked: a branch on a
// secret that chooses what to write leaks it (docs/policies.md; tests/tags/guest/ifc_implicit.c).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tags/policies/flow.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

// Metadata: bits 0-3 the data's level, 4-7 a word's clearance (level + 1; 0: any level may be
// stored), bit 8 "a UART register", bits 16-23 which labelled object the data came from.
constexpr Meta kLevelMask = 0xf, kClearanceShift = 4, kClearanceMask = 0xf0, kUart = 0x100;
constexpr unsigned kOriginShift = 16;
constexpr Meta kOriginMask = Meta{0xff} << kOriginShift;
constexpr Meta kData = kLevelMask | kOriginMask;  // what moves with a value
constexpr size_t kMaxLevels = 16, kMaxOrigins = 255;

constexpr Denial kToUart{"flow-to-uart", "store of labelled data into the UART above its clearance",
                         "ifc-leak-to-uart"};
constexpr Denial kToMemory{"flow-to-memory",
                           "store of labelled data into memory labelled with a lower clearance",
                           "ifc-leak-to-public-memory"};
constexpr Denial kToHost{"flow-to-host",
                         "semihosting write of labelled data above the host's clearance",
                         "ifc-leak-to-semihosting"};

// A finite lattice given by its order; joins are computed once.
struct Lattice {
  std::vector<std::string> names;
  bool leq[kMaxLevels][kMaxLevels] = {};
  uint8_t join[kMaxLevels][kMaxLevels] = {};

  int find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    return -1;
  }
};

// A label from the lattice file: the words of a section (name starting with '.') or a symbol.
struct Label {
  std::string object;
  uint8_t level;
  bool clearance;  // `memory`: what the words may hold; `data`: what they hold at load
};

class Ifc final : public Policy {
 public:
  Ifc() {
    std::istringstream defaults(
        "public < secret\n"
        "data .unitag.secret secret\n"
        "memory .unitag.public public\n");
    if (auto error = parse(defaults)) throw std::logic_error(*error);
  }

  std::string_view name() const override { return "ifc"; }
  std::string_view summary() const override {
    return "labelled (secret) data reaching the UART, a semihosting write or public-labelled "
           "memory (explicit flows on a lattice of levels)";
  }
  std::optional<std::string> set_option(std::string_view key, std::string_view value) override {
    if (key != "lattice") return "unknown option '" + std::string(key) + "'";
    std::ifstream in{std::string(value)};
    if (!in) return fmt::format("lattice={}: cannot open the file", value);
    if (auto error = parse(in)) return fmt::format("lattice={}: {}", value, *error);
    return std::nullopt;
  }
  std::vector<std::string> options() const override {
    return {
        "lattice=FILE: levels and labels (lines `low < high`, `data OBJECT LEVEL`, `memory "
        "OBJECT LEVEL`, `sink uart|semihost LEVEL`; default: public < secret, "
        ".unitag.secret data is secret, .unitag.public memory is public)"};
  }

  // A section's data takes the name of the symbol each word belongs to, so a report says which
  // object leaked ("signing_key in .unitag.secret"), not only which section.
  void prepare(const ImageFacts& facts, const SourceLines&) override {
    for (const Label& l : labels_) {
      for (const auto& [lo, hi] : ranges_of(facts, l.object)) {
        if (!l.clearance && l.object.starts_with('.'))
          for (const ElfSymbol& s : facts.image().symbols())
            if (!s.is_function && s.size && s.value >= lo && s.value + s.size <= hi)
              placed_.push_back(
                  {s.value, s.value + s.size, &l, origin_named(s.name + " in " + l.object)});
        placed_.push_back({lo, hi, &l, origin_named(l.object)});
      }
    }
  }
  std::vector<std::pair<uint64_t, uint64_t>> tagged_at_load(const ImageFacts&) const override {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const Placed& p : placed_) ranges.emplace_back(p.lo, p.hi);
    return ranges;
  }
  Meta memory_meta_at_load(const ImageFacts&, uint64_t word) const override {
    Meta m = 0;
    for (const Placed& p : placed_) {
      if (word + 8 <= p.lo || word >= p.hi) continue;
      if (p.label->clearance) {
        m = (m & ~kClearanceMask) | Meta{p.label->level + 1u} << kClearanceShift;
      } else {
        m = (m & ~kData) | join(m & kData, p.label->level | p.origin);
      }
    }
    return m;
  }
  Meta device_meta(std::string_view device) const override {
    return device == "uart" ? kUart | Meta{uart_level_ + 1u} << kClearanceShift : 0;
  }

  unsigned inputs(OpGroup op, bool) const override {
    switch (flow_of(op)) {
      case Flow::kCompute:
        return kRs1 | kRs2 | kRs3;
      case Flow::kLoad:
        return kRs1 | kMem;
      case Flow::kStore:
        return kRs2 | kMem;
      default:
        return 0;
    }
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    switch (flow_of(in.op)) {
      case Flow::kCompute:
        out.rd = join(join(in.rs1 & kData, in.rs2 & kData), in.rs3 & kData);
        return nullptr;
      case Flow::kLoad:
        out.rd = join(in.mem & kData, in.rs1 & kData);
        return nullptr;
      case Flow::kStore: {
        const Meta value = in.rs2 & kData;
        const Meta place = in.mem & (kClearanceMask | kUart);
        const Meta clearance = (in.mem & kClearanceMask) >> kClearanceShift;
        if (clearance && !below(value, clearance - 1))
          return in.mem & kUart ? &kToUart : &kToMemory;
        // A whole word takes the value's label; a narrower store joins it with the word's.
        const Meta data = in.op == OpGroup::kStore64 ? value : join(in.mem & kData, value);
        out.mem = place | ((in.mem & kUart) ? 0 : data);
        if (in.op == OpGroup::kAmo) out.rd = in.mem & kData;
        return nullptr;
      }
      default:
        return nullptr;  // links, CSR reads, tag instructions: fresh values of the bottom level
    }
  }

  EventSet events() const override { return EventSet::of<HostWrite, HostRead>(); }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* w = std::get_if<HostWrite>(&e)) {
      // The host's bytes are of the bottom level; the words keep their clearance.
      tags.update_range(
          w->addr, w->size, [](Meta old, Meta) { return old & ~kData; }, 0);
      return nullptr;
    }
    const HostRead& r = std::get<HostRead>(e);
    for (uint64_t word = r.addr & ~uint64_t{7}; word < r.addr + r.size; word += 8) {
      if (below(tags.mem_meta(word), semihost_level_)) continue;
      r.refused_word = std::max(word, r.addr);
      return &kToHost;
    }
    return nullptr;
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    std::string s;
    if (m & kUart) s = "UART register";
    if (const Meta c = (m & kClearanceMask) >> kClearanceShift; c)
      s += fmt::format("{}clearance {}", s.empty() ? "" : ", ", level_name(c - 1));
    if (m & kData) s += fmt::format("{}{}", s.empty() ? "" : ", ", data_words(m));
    return s;
  }
  Explanation explain(const Denial& d, const RuleInputs& in, bool, uint64_t) const override {
    const Meta data = &d == &kToHost ? in.mem & kData : in.rs2 & kData;
    const Meta clearance = (in.mem & kClearanceMask) >> kClearanceShift;
    const std::string sink =
        &d == &kToHost
            ? fmt::format("semihosting write (cleared for {})", level_name(semihost_level_))
        : &d == &kToUart ? fmt::format("UART transmit (cleared for {})", level_name(clearance - 1))
                         : fmt::format("memory labelled {}", level_name(clearance - 1));
    return {{}, fmt::format("flow: source {} -> sink {}", data_words(data), sink)};
  }

 private:
  struct Placed {
    uint64_t lo, hi;
    const Label* label;
    Meta origin;
  };

  std::string level_name(Meta level) const {
    return level < lattice_.names.size() ? lattice_.names[level] : "?";
  }
  std::string data_words(Meta m) const {
    const Meta origin = (m & kOriginMask) >> kOriginShift;
    const std::string level = level_name(m & kLevelMask);
    if (origin == 0 || origin > origins_.size()) return level + " data";
    return fmt::format("{} data from {}", level, origins_[origin - 1]);
  }
  // The origin bits of a labelled object's name (0 once 255 names are taken: reports then give
  // the level alone).
  Meta origin_named(const std::string& name) {
    auto it = std::find(origins_.begin(), origins_.end(), name);
    if (it == origins_.end()) {
      if (origins_.size() == kMaxOrigins) return 0;
      it = origins_.insert(origins_.end(), name);
    }
    return Meta(it - origins_.begin() + 1) << kOriginShift;
  }
  bool below(Meta data, Meta level) const {
    const Meta l = data & kLevelMask;
    return l < lattice_.names.size() && level < lattice_.names.size() && lattice_.leq[l][level];
  }
  // Join of two data parts: the levels' join; the origin of an operand at that level.
  Meta join(Meta a, Meta b) const {
    const Meta la = a & kLevelMask, lb = b & kLevelMask;
    if (la >= lattice_.names.size() || lb >= lattice_.names.size()) return 0;
    const Meta j = lattice_.join[la][lb];
    if (j == 0) return 0;
    const Meta origin = (la == j && (a & kOriginMask)) ? a & kOriginMask
                        : lb == j                      ? b & kOriginMask
                                                       : a & kOriginMask;
    return j | origin;
  }

  static std::vector<std::pair<uint64_t, uint64_t>> ranges_of(const ImageFacts& facts,
                                                              const std::string& object) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    if (object.starts_with('.')) {
      for (const ElfSection& s : facts.image().sections())
        if (s.alloc && s.size && (s.name == object || s.name.starts_with(object + ".")))
          out.emplace_back(s.addr, s.addr + s.size);
    } else {
      for (const ElfSymbol& s : facts.image().symbols())
        if (s.name == object && s.size) out.emplace_back(s.value, s.value + s.size);
    }
    return out;
  }

  // Lines: `a < b [< c ...]` (the order), `data OBJECT LEVEL`, `memory OBJECT LEVEL`,
  // `sink uart|semihost LEVEL`; `#` starts a comment. Replaces the whole configuration.
  std::optional<std::string> parse(std::istream& in) {
    Lattice lattice;
    std::vector<std::pair<int, int>> order;
    std::vector<std::tuple<std::string, std::string, bool, int>> labels;  // object, level, memory
    std::vector<std::pair<std::string, int>> sinks;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
      ++number;
      line = line.substr(0, line.find('#'));
      std::istringstream words(line);
      std::vector<std::string> w;
      for (std::string word; words >> word;) w.push_back(word);
      if (w.empty()) continue;
      if (w[0] == "data" || w[0] == "memory") {
        if (w.size() != 3) return fmt::format("line {}: give `{} OBJECT LEVEL`", number, w[0]);
        labels.emplace_back(w[1], w[2], w[0] == "memory", number);
      } else if (w[0] == "sink") {
        if (w.size() != 3 || (w[1] != "uart" && w[1] != "semihost"))
          return fmt::format("line {}: give `sink uart LEVEL` or `sink semihost LEVEL`", number);
        sinks.emplace_back(w[1] + " " + w[2], number);
      } else {
        for (size_t i = 0; i < w.size(); i += 2) {
          if (i + 1 < w.size() && w[i + 1] != "<")
            return fmt::format(
                "line {}: expected `<` after '{}' (or a line starting with data, "
                "memory or sink)",
                number, w[i]);
          if (lattice.find(w[i]) < 0) {
            if (lattice.names.size() == kMaxLevels)
              return fmt::format("line {}: more than {} levels", number, kMaxLevels);
            lattice.names.push_back(w[i]);
          }
          if (i >= 2) order.emplace_back(lattice.find(w[i - 2]), lattice.find(w[i]));
        }
      }
    }
    const size_t n = lattice.names.size();
    if (n == 0) return std::string("no levels (give an order such as `public < secret`)");
    for (size_t i = 0; i < n; ++i) lattice.leq[i][i] = true;
    for (const auto& [a, b] : order) lattice.leq[a][b] = true;
    for (size_t k = 0; k < n; ++k)
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          if (lattice.leq[i][k] && lattice.leq[k][j]) lattice.leq[i][j] = true;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        if (i != j && lattice.leq[i][j] && lattice.leq[j][i])
          return fmt::format("the order has a cycle through '{}' and '{}'", lattice.names[i],
                             lattice.names[j]);
    for (size_t i = 0; i < n; ++i)
      if (!lattice.leq[0][i])
        return fmt::format("'{}' is not above '{}': the first level must be the bottom",
                           lattice.names[i], lattice.names[0]);
    for (size_t a = 0; a < n; ++a)
      for (size_t b = 0; b < n; ++b) {
        int best = -1;  // the least of the upper bounds
        for (size_t u = 0; u < n; ++u)
          if (lattice.leq[a][u] && lattice.leq[b][u] &&
              (best < 0 || lattice.leq[u][static_cast<size_t>(best)]))
            best = static_cast<int>(u);
        for (size_t u = 0; u < n; ++u)
          if (best < 0 || (lattice.leq[a][u] && lattice.leq[b][u] &&
                           !lattice.leq[static_cast<size_t>(best)][u]))
            return fmt::format("'{}' and '{}' have no least upper bound: not a lattice",
                               lattice.names[a], lattice.names[b]);
        lattice.join[a][b] = static_cast<uint8_t>(best);
      }
    std::vector<Label> parsed;
    for (const auto& [object, level, memory, line] : labels) {
      const int l = lattice.find(level);
      if (l < 0) return fmt::format("line {}: unknown level '{}'", line, level);
      parsed.push_back({object, static_cast<uint8_t>(l), memory});
    }
    uint8_t uart = 0, semihost = 0;
    for (const auto& [sink, line] : sinks) {
      const size_t space = sink.find(' ');
      const int l = lattice.find(sink.substr(space + 1));
      if (l < 0) return fmt::format("line {}: unknown level '{}'", line, sink.substr(space + 1));
      (sink.starts_with("uart") ? uart : semihost) = static_cast<uint8_t>(l);
    }
    lattice_ = std::move(lattice);
    labels_ = std::move(parsed);
    origins_.clear();
    uart_level_ = uart;
    semihost_level_ = semihost;
    return std::nullopt;
  }

  Lattice lattice_;
  std::vector<Label> labels_;
  std::vector<std::string> origins_;  // labelled objects' names: origin i + 1
  std::vector<Placed> placed_;
  uint8_t uart_level_ = 0, semihost_level_ = 0;  // the highest level each sink may receive
};

}  // namespace

std::unique_ptr<Policy> make_ifc_policy() { return std::make_unique<Ifc>(); }

}  // namespace unitag::tags
