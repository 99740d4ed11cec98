#include "tags/engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "machine/errors.h"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {

TagEngine::TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config,
                     Machine& machine, const ElfImage& image, const ElfImage* program)
    : TagEngine(std::move(policies), config, machine, ImageFacts::placed(image, program), nullptr) {
}

TagEngine::TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config,
                     Machine& machine, const SystemLayout& system)
    : TagEngine(std::move(policies), config, machine, system.images(), &system) {}

TagEngine::TagEngine(std::vector<std::unique_ptr<Policy>> policies, EngineConfig config,
                     Machine& machine, std::vector<PlacedImage> images, const SystemLayout* system)
    : policies_(std::move(policies)),
      config_(config),
      machine_(machine),
      system_(system),
      facts_(images),
      lines_(images),
      program_ranges_(policies_.size()),
      shadow_(machine.bus().ram_size()),
      evaluations_(policies_.size()) {
  if (policies_.size() > kMaxPolicies)
    throw std::invalid_argument("too many policies in one composite");
  table_.set_tail_function(
      [](const TagTuple& t, const void* engine) {
        const auto& policies = static_cast<const TagEngine*>(engine)->policies_;
        unsigned tail = 0;
        for (size_t m = 0; m < policies.size(); ++m)
          tail = std::max(tail, policies[m]->invalid_tail_bytes(t.member[m]));
        return tail;
      },
      this);
  for (size_t m = 0; m < policies_.size(); ++m) {
    policies_[m]->prepare(facts_, lines_);
    const EventSet events = policies_[m]->events();
    for (size_t e = 0; e < subscribers_.size(); ++e)
      if (events.has(e)) subscribers_[e].push_back(static_cast<uint8_t>(m));
  }
  std::vector<std::string> names;
  std::vector<std::vector<IdentityField>> identities;
  for (const auto& p : policies_) {
    names.emplace_back(p->name());
    identities.push_back(p->identity_fields());
  }
  canonical_ = std::make_unique<CanonicalRules>(std::move(names), std::move(identities),
                                                config_.canonical_rules);
  for (size_t op = 0; op < static_cast<size_t>(OpGroup::kCount); ++op)
    for (int pc_default = 0; pc_default < 2; ++pc_default)
      for (const auto& p : policies_) masks_[op][pc_default] |= p->inputs(OpGroup(op), pc_default);
  // With Linux programs, only theirs (each program's own malloc on a firmware boot).
  for (const uint8_t m : subscribers<BoundCallEntry>())
    for (const std::string& name : policies_[m]->bound_functions(facts_))
      for (const FunctionInfo* f : facts_.functions_named(name))
        if (facts_.program() == nullptr || facts_.in_program(f->start))
          bound_.try_emplace(f->start, BoundEntry{0, name}).first->second.members |= 1u << m;
  tag_image();
  tag_devices();
  machine_.add_host_write_observer(this);
  if (!subscribers<HostRead>().empty()) machine_.add_host_read_observer(this);
}

TagEngine::~TagEngine() {
  machine_.remove_host_write_observer(this);
  machine_.remove_host_read_observer(this);
}

void TagEngine::tag_devices() {
  for (const Bus::Mapping& window : machine_.bus().mappings()) {
    TagTuple t;
    for (size_t m = 0; m < policies_.size(); ++m)
      t.member[m] = policies_[m]->device_meta(window.device->name());
    if (const Tag tag = table_.intern(t); tag != 0)
      shadow_.set_device_tag(window.base, window.size, tag);
  }
}

// Tags are kept by physical address: with partitions, each tagged partition's copy of the image
// sits at its own physical base and gets its own load-time tags.
void TagEngine::tag_image() {
  std::vector<uint64_t> offsets;
  const PartitionLayout& layout = machine_.partitions();
  if (layout.count() == 0) offsets.push_back(0);
  for (size_t p = 0; p < layout.count(); ++p)
    if ((layout.harts(p) & machine_.config().tagged_harts) &&
        machine_.partition_image(p) == &facts_.image())
      offsets.push_back(layout.window(p).phys_base - PartitionWindow::kGuestBase);
  for (size_t m = 0; m < policies_.size(); ++m) {
    for (const auto& [lo, hi] : policies_[m]->tagged_at_load(facts_)) {
      if (facts_.in_program(lo)) {  // not in memory yet: tagged as the personality maps it
        program_ranges_[m].emplace_back(lo, hi);
        continue;
      }
      for (uint64_t w = lo & ~uint64_t{7}; w < hi; w += 8) {
        const Meta meta = policies_[m]->memory_meta_at_load(facts_, w);
        if (system_) {  // a firmware boot: where the word's image sits, if it has a fixed place
          if (const auto pa = system_->physical(w))
            shadow_.set(*pa, table_.with_member(shadow_.get(*pa), m, meta));
          continue;
        }
        for (const uint64_t offset : offsets)
          shadow_.set(w + offset, table_.with_member(shadow_.get(w + offset), m, meta));
      }
    }
  }
}

uint64_t TagEngine::tag_program_page(uint64_t va, uint64_t pa, uint64_t size) {
  uint64_t words = 0;
  const uint64_t end = va + size;
  for (size_t m = 0; m < policies_.size(); ++m)
    for (const auto& [lo, hi] : program_ranges_[m]) {
      const uint64_t from = std::max(lo & ~uint64_t{7}, va & ~uint64_t{7}), to = std::min(hi, end);
      for (uint64_t w = from; w < to; w += 8, ++words) {
        const uint64_t at = pa + (w - va);
        shadow_.set(at, table_.with_member(shadow_.get(at), m,
                                           policies_[m]->memory_meta_at_load(facts_, w)));
      }
    }
  return words;
}

void TagEngine::park_bound_call(ParkedCall call) {
  std::lock_guard<std::mutex> lock(mu_);
  parked_[call.trap_sp] = std::move(call);
}

bool TagEngine::resume_bound_call(uint64_t sp, uint8_t priv, ParkedCall& out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = parked_.find(sp);
  if (it == parked_.end() || it->second.priv != priv) return false;
  out = std::move(it->second);
  parked_.erase(it);
  return true;
}

void TagEngine::attach(Hart& hart) {
  harts_.push_back(std::make_unique<HartTagger>(*this, hart));
  hart.set_hooks(harts_.back().get());
}

uint64_t TagEngine::update_range(size_t m, uint64_t base, uint64_t size, Meta (*f)(Meta, Meta),
                                 Meta arg) {
  if (size == 0) return 0;
  size = std::min(size, machine_.bus().ram_size());
  // Counted in words, not compared against base + size: a range that ends at the top of the
  // address space (a guest's sp near 2^64, found by tests/fuzz/qemu_differential.py) would
  // wrap the address to 0 and never end.
  if (const uint64_t to_top = 0 - base; to_top != 0) size = std::min(size, to_top);
  const uint64_t first = base & ~uint64_t{7};
  const uint64_t words = ((base - first) + size + 7) / 8;
  Tag last_old = ~Tag{0}, last_new = 0;  // runs of equal tags are the common case
  for (uint64_t i = 0; i < words; ++i) {
    const uint64_t a = first + 8 * i;
    const Tag old = shadow_.get(a);
    if (old != last_old) {
      last_old = old;
      last_new = table_.with_member(old, m, f(table_.member(old, m), arg));
    }
    shadow_.set(a, last_new);
  }
  return words;
}

uint64_t TagEngine::copy_values(size_t m, uint64_t from, uint64_t to, uint64_t size,
                                Meta (*merge)(Meta dst, Meta src)) {
  uint64_t words = 0;
  for (uint64_t off = 0; off < size; off += 8, ++words) {
    const Tag dst = shadow_.get(to + off), src = shadow_.get(from + off);
    const Meta merged = merge(table_.member(dst, m), table_.member(src, m));
    shadow_.set(to + off, table_.with_member(dst, m, merged));
  }
  return words;
}

namespace {
// A policy's view of memory tags outside any hart (a host write): no registers, no modeled cost.
class HostAccess final : public TagAccess {
 public:
  HostAccess(TagEngine& e, size_t member) : e_(e), m_(member) {}
  unsigned hart() const override { return kNoHart; }
  uint64_t pc() const override { return 0; }
  uint64_t reg(unsigned) const override { return 0; }
  Meta reg_meta(unsigned) const override { return 0; }
  void set_reg_meta(unsigned, Meta) override {}
  Meta mem_meta(uint64_t addr) const override {
    return e_.table().member(e_.shadow().get(addr), m_);
  }
  void update_range(uint64_t base, uint64_t size, Meta (*f)(Meta, Meta), Meta arg) override {
    e_.update_range(m_, base, size, f, arg);
  }
  void copy_values(uint64_t from, uint64_t to, uint64_t size,
                   Meta (*merge)(Meta dst, Meta src)) override {
    e_.copy_values(m_, from, to, size, merge);
  }
  Meta pc_meta() const override { return 0; }
  void set_pc_meta(Meta) override {}
  bool read_u64(uint64_t addr, uint64_t& value) const override {
    return e_.machine().hart(0).peek(addr, &value, 8);  // RAM is the same from every hart
  }

 private:
  TagEngine& e_;
  size_t m_;
};

Meta untagged(Meta, Meta) { return 0; }
}  // namespace

void TagEngine::on_host_write(uint64_t addr, uint64_t size, HostWriteSource source) {
  if (size == 0) return;
  const auto& subscribed = subscribers<HostWrite>();
  for (size_t m = 0; m < policies_.size(); ++m) {
    if (std::find(subscribed.begin(), subscribed.end(), m) != subscribed.end()) {
      HostAccess access(*this, m);
      policies_[m]->on_event(HostWrite{addr, size, source}, access);
    } else {
      update_range(m, addr, size, &untagged, 0);
    }
  }
}

bool TagEngine::on_host_read(Hart& hart, uint64_t pc, uint64_t addr, uint64_t size,
                             HostReadSink sink) {
  if (size == 0) return true;
  for (const uint8_t m : subscribers<HostRead>()) {
    HostAccess access(*this, m);
    const Event event = HostRead{addr, size, sink};
    const Denial* d = policies_[m]->on_event(event, access);
    if (d == nullptr) continue;
    const Policy& p = *policies_[m];
    const uint64_t refused = std::get<HostRead>(event).refused_word;
    const uint64_t word = refused & ~uint64_t{7};
    RuleInputs in{OpGroup::kSystem};
    in.mem = access.mem_meta(word);
    const Explanation ex = p.explain(*d, in, true, refused);
    const std::string kind = !ex.kind.empty() ? ex.kind : std::string(d->kind);
    std::string report = fmt::format("tag violation: {}\n", kind);
    report += fmt::format("  policy {}, rule {}: {}\n", p.name(), d->rule, d->reason);
    report += fmt::format("  hart {}, pc {} (semihosting call)\n", hart.id(), lines_.where(pc));
    report += fmt::format("  the host was to send [0x{:x}, +{}) to {}\n", addr, size,
                          sink == HostReadSink::kConsole ? "the console" : "a host file");
    for (size_t start = 0; start < ex.detail.size();) {
      const size_t end = ex.detail.find('\n', start);
      report += "  " + ex.detail.substr(start, end - start) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    report += fmt::format("  refused word: 0x{:x}\n  tags:\n    word 0x{:x}    {}\n", refused, word,
                          describe(shadow_.get(word), Site::kMemory));
    record_violation(
        Violation{hart.id(), pc, std::string(p.name()), std::string(d->rule), kind, report});
    machine_.request_stop(StopReason::kTagViolation, exit_code::kTagViolation, report,
                          static_cast<int>(hart.id()), pc);
    return false;
  }
  return true;
}

std::string TagEngine::where(Hart& hart, uint64_t pc) const {
  if (!system_) return lines_.where(pc);
  const uint64_t paddr = hart.priv == Priv::M || !hart.paged_data() ? pc : hart.checker_paddr(pc);
  const uint64_t at = code_address(hart, pc, paddr);
  if (SystemLayout::is_unknown(at))
    return fmt::format("0x{:x} (physical 0x{:x}, in no image given)", pc, paddr);
  std::string s = lines_.where(at);
  if (at != pc && hart.priv != Priv::U)  // the kernel before paging: named by its link address
    s += fmt::format(" [fetched at 0x{:x}]", pc);
  return s;
}

Tag TagEngine::code_tag(uint64_t pc) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = code_tags_.find(pc); it != code_tags_.end()) return it->second;
  }
  TagTuple t;
  for (size_t m = 0; m < policies_.size(); ++m) t.member[m] = policies_[m]->code_meta(facts_, pc);
  const Tag tag = table_.intern(t);
  std::lock_guard<std::mutex> lock(mu_);
  code_tags_.emplace(pc, tag);
  return tag;
}

Tag TagEngine::project(Tag t, OpGroup op, bool pc_default, unsigned input) {
  TagTuple tuple = table_.get(t);
  for (size_t m = 0; m < policies_.size(); ++m)
    if (!(policies_[m]->inputs(op, pc_default) & input)) tuple.member[m] = 0;
  return table_.intern(tuple);
}

uint16_t TagEngine::denial_index(uint8_t member, const Denial& d) {
  for (size_t i = 0; i < denials_.size(); ++i)
    if (denials_[i].first == member && denials_[i].second == &d) return static_cast<uint16_t>(i);
  denials_.emplace_back(member, &d);
  return static_cast<uint16_t>(denials_.size() - 1);
}

const Denial& TagEngine::denial(uint16_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  return *denials_.at(index).second;
}

namespace {
uint64_t inputs_hash(const RuleInputs& in) {
  uint64_t h = static_cast<uint64_t>(in.op) * 0x9e3779b97f4a7c15ull;
  for (Meta v : {in.pc, in.ci, in.rs1, in.rs2, in.rs3, in.mem})
    h = (h ^ v) * 0xff51afd7ed558ccdull + (h >> 31);
  return h;
}
}  // namespace

TagEngine::KeyTuples TagEngine::tuples_of(const RuleKey& key) const {
  return {table_.get(key.pc()),  table_.get(key.ci()),  table_.get(key.rs1()),
          table_.get(key.rs2()), table_.get(key.rs3()), table_.get(key.mem())};
}

RuleInputs TagEngine::member_inputs(const RuleKey& key, const KeyTuples& t, size_t m) const {
  const OpGroup op = OpGroup(key.op() & 0x7f);
  const unsigned used = policies_[m]->inputs(op, key.op() & 0x80);
  RuleInputs in{op};
  if (used & kPc) in.pc = t.pc.member[m];
  if (used & kCi) in.ci = t.ci.member[m];
  if (used & kRs1) in.rs1 = t.rs1.member[m];
  if (used & kRs2) in.rs2 = t.rs2.member[m];
  if (used & kRs3) in.rs3 = t.rs3.member[m];
  if (used & kMem) {
    in.mem = t.mem.member[m];
    in.overhang = key.overhang_for(policies_[m]->invalid_tail_bytes(t.mem.member[m]));
  }
  return in;
}

RuleResult TagEngine::evaluate(const RuleKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = memo_.find(key); it != memo_.end()) {
    ++memo_hits_;
    return it->second;
  }
  const KeyTuples tuples = tuples_of(key);
  TagTuple out_pc, out_rd, out_mem;
  RuleResult result;
  std::array<MemberRule, kMaxPolicies> members;
  for (size_t m = 0; m < policies_.size(); ++m) {
    const RuleInputs in = member_inputs(key, tuples, m);
    ++evaluations_[m];
    RuleOutputs out;
    if (const Denial* d = policies_[m]->rule(in, out); d && result.allow) {
      result.allow = false;
      result.denying_policy = static_cast<uint8_t>(m);
      result.denial = denial_index(static_cast<uint8_t>(m), *d);
    }
    out_pc.member[m] = out.pc;
    out_rd.member[m] = out.rd;
    out_mem.member[m] = out.mem;
    members[m] = MemberRule{in, out, policies_[m]->identities_suffice(in)};
  }
  const CanonicalRules::Rule canonical =
      canonical_->classify(key.op(), std::span<const MemberRule>(members.data(), policies_.size()),
                           result.allow ? 0u : result.denial + 1u);
  result.canonical = canonical.id;
  result.canonical_set_index = canonical.set_index;
  if (result.allow) {
    result.pc = table_.intern(out_pc);
    result.rd = table_.intern(out_rd);
    result.mem = table_.intern(out_mem);
  }
  memo_.emplace(key, result);
  return result;
}

std::string TagEngine::describe(Tag t, Site site) const {
  std::string s;
  for (size_t m = 0; m < policies_.size(); ++m) {
    const std::string d = policies_[m]->describe(table_.member(t, m), site);
    if (d == "-") continue;
    if (!s.empty()) s += "; ";
    s += std::string(policies_[m]->name()) + ": " + d;
  }
  return s.empty() ? "default" : s;
}

uint64_t TagEngine::record_violation(Violation v) {
  std::lock_guard<std::mutex> lock(mu_);
  if (violations_.size() < kKeptViolations) violations_.push_back(std::move(v));
  return ++violation_count_;
}

bool TagEngine::wants_report() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !config_.trap_on_violation || violations_.size() < kKeptViolations;
}

std::vector<Violation> TagEngine::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

nlohmann::json TagEngine::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json j;
  uint64_t hits = 0, misses = 0, lookups = 0, checked = 0, trusted = 0, instructions = 0,
           cycles = 0, tag_ops = 0;
  nlohmann::json harts = nlohmann::json::array();
  for (const auto& h : harts_) {
    hits += h->cache_hits();
    misses += h->cache().misses;
    lookups += h->rule_lookups();
    checked += h->checked();
    trusted += h->trusted();
    tag_ops += h->tag_op_cycles();
    instructions += h->hart().instret;
    cycles += h->hart().instret + h->hart().extra_cycles;
    harts.push_back(h->hart().id());
  }
  nlohmann::json names = nlohmann::json::array();
  for (const auto& p : policies_) names.push_back(p->name());
  j["policies"] = names;
  j["tagged_harts"] = harts;
  j["rule_cache"] = {
      {"entries", config_.cache_entries},
      {"ways", config_.cache_entries ? std::min(config_.cache_ways, config_.cache_entries) : 0},
      {"miss_cost", config_.miss_cost}};
  j["checked_instructions"] = checked;
  j["rule_lookups"] = lookups;  // checked instructions whose rule differed from their last
  j["allocator_instructions"] = trusted;  // inside bound allocator calls: trusted, not checked
  j["rule_cache_hits"] = hits;
  j["rule_cache_misses"] = misses;
  j["rule_cache_hit_rate"] = hits + misses ? static_cast<double>(hits) / (hits + misses) : 1.0;
  j["memo_hits"] = memo_hits_;
  j["rules_evaluated"] = memo_.size();  // level-3 evaluations: each distinct rule once
  j["distinct_rules"] = memo_.size();
  j["canonical_rules"] = {{"enabled", canonical_->enabled()},
                          {"rules", canonical_->canonical_rules()},
                          {"merged", canonical_->merged()},
                          {"unsound_merges", canonical_->unsound()}};
  if (canonical_->unsound()) j["canonical_rules"]["first_unsound"] = canonical_->first_unsound();
  j["distinct_tags"] = table_.size();
  j["tag_op_cycles"] = tag_ops;
  j["instructions"] = instructions;
  j["modeled_cycles"] = cycles;
  j["modeled_overhead"] =
      instructions ? static_cast<double>(cycles - instructions) / instructions : 0.0;
  // The same misses and tag writes absorbed by a decoupled co-processor (coprocessor_model.h).
  nlohmann::json coprocessor = nlohmann::json::array();
  for (size_t i = 0; i < CoprocessorModel::kConfigs.size(); ++i) {
    double stalls = 0;
    for (const auto& h : harts_)
      stalls += h->coprocessor().stall_cycles(i, h->checked(), h->trusted());
    coprocessor.push_back({{"width", CoprocessorModel::kConfigs[i].width},
                           {"queue", CoprocessorModel::kConfigs[i].queue},
                           {"stall_cycles", stalls},
                           {"modeled_overhead", instructions ? stalls / instructions : 0.0}});
  }
  j["coprocessor"] = coprocessor;
  j["shadow_bytes"] = shadow_.pages_allocated() * ShadowMemory::kWordsPerPage * sizeof(Tag);
  j["violations"] = violation_count_;
  // Each member's distinct rules, counted here rather than on the evaluation path (a composite
  // evaluates every member for every rule): each memoised key's tuples are read once.
  // Counted by sorting, not in hash sets: a node per value made this a sixth of a
  // ten-policy run's wall time.
  const auto distinct = [](std::vector<uint64_t>& v) {
    std::sort(v.begin(), v.end());
    return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
  };
  std::vector<std::vector<uint64_t>> member_rules(policies_.size());
  for (auto& r : member_rules) r.reserve(memo_.size());
  for (const auto& [key, result] : memo_) {
    const KeyTuples tuples = tuples_of(key);
    for (size_t m = 0; m < policies_.size(); ++m)
      member_rules[m].push_back(inputs_hash(member_inputs(key, tuples, m)));
  }
  nlohmann::json per = nlohmann::json::object();
  std::vector<uint64_t> metas(table_.size());
  for (size_t m = 0; m < policies_.size(); ++m) {
    for (size_t t = 0; t < metas.size(); ++t) metas[t] = table_.member(static_cast<Tag>(t), m);
    per[std::string(policies_[m]->name())] = {{"rules_evaluated", evaluations_[m]},
                                              {"distinct_rules", distinct(member_rules[m])},
                                              {"distinct_tags", distinct(metas)}};
  }
  j["per_policy"] = per;
  return j;
}

}  // namespace unitag::tags
