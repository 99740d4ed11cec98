#include "tags/engine/canonical_rules.h"

#include <fmt/format.h>

#include <algorithm>

namespace unitag::tags {
namespace {
// A member whose rule is keyed on its raw metadata is marked so in the key: its values never
// collide with a renamed member's.
constexpr uint64_t kRenamed = 1, kLiteral = 2;
}  // namespace

size_t CanonicalRules::hash_words(std::span<const uint64_t> words) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ words.size();
  for (uint64_t x : words) h = (h ^ x) * 0xff51afd7ed558ccdull;
  return static_cast<size_t>(h ^ (h >> 29));
}

CanonicalRules::CanonicalRules(std::vector<std::string> names,
                               std::vector<std::vector<IdentityField>> fields_per_member,
                               bool enabled)
    : names_(std::move(names)), fields_(std::move(fields_per_member)), enabled_(enabled) {
  fields_by_site_.resize(fields_.size());
  for (size_t m = 0; m < fields_.size(); ++m)
    for (const IdentityField& f : fields_[m])
      fields_by_site_[m][static_cast<size_t>(f.site)].push_back(f);
}

bool CanonicalRules::rename(size_t m, Site site, bool output, std::vector<uint64_t>& ids,
                            Meta& meta) const {
  for (const IdentityField& f : fields_by_site_[m][static_cast<size_t>(site)]) {
    const uint64_t mask = f.width >= 64 ? ~uint64_t{0} : (uint64_t{1} << f.width) - 1;
    const uint64_t value = meta >> f.shift & mask;
    if (value < f.first || value > f.last) continue;  // a literal: kept as it is
    auto it = std::find(ids.begin(), ids.end(), value);
    if (it == ids.end()) {
      if (output) return false;  // the rule invents an identity: no canonical form
      it = ids.insert(ids.end(), value);
    }
    const uint64_t index = static_cast<uint64_t>(it - ids.begin());
    if (index > f.last - f.first) return false;
    meta = (meta & ~(mask << f.shift)) | (f.first + index) << f.shift;
  }
  return true;
}

CanonicalRules::Rule CanonicalRules::classify(uint32_t op_word, std::span<const MemberRule> members,
                                              uint32_t denial) {
  // Scratch buffers reused across calls (the engine calls this under its lock).
  std::vector<uint64_t>& key = key_scratch_;
  std::vector<uint64_t>& outcome = outcome_scratch_;
  std::vector<uint64_t>& ids = ids_scratch_;
  // The access's shape (offset, size) matters only through each member's overhang, which the
  // key holds per member: hardware judges the tail bytes before the lookup.
  key.assign(1, op_word & ~uint32_t{0xff00});
  outcome.assign(1, denial);
  for (size_t m = 0; m < members.size(); ++m) {
    const MemberRule& r = members[m];
    RuleInputs in = r.in;
    RuleOutputs out = r.out;
    bool canonical = enabled_ && r.identities_suffice && !fields_[m].empty();
    if (canonical) {
      ids.clear();
      // Inputs in a fixed order, so equal patterns of identities give equal keys.
      canonical = rename(m, Site::kPc, false, ids, in.pc) &&
                  rename(m, Site::kInstruction, false, ids, in.ci) &&
                  rename(m, Site::kRegister, false, ids, in.rs1) &&
                  rename(m, Site::kRegister, false, ids, in.rs2) &&
                  rename(m, Site::kRegister, false, ids, in.rs3) &&
                  rename(m, Site::kMemory, false, ids, in.mem) &&
                  rename(m, Site::kPc, true, ids, out.pc) &&
                  rename(m, Site::kRegister, true, ids, out.rd) &&
                  rename(m, Site::kMemory, true, ids, out.mem);
      if (!canonical) in = r.in, out = r.out;
    }
    key.insert(key.end(), {canonical ? kRenamed : kLiteral, in.pc, in.ci, in.rs1, in.rs2, in.rs3,
                           in.mem, in.overhang});
    outcome.insert(outcome.end(), {out.pc, out.rd, out.mem});
  }
  const size_t hash = hash_words(key);
  const auto set_index = static_cast<uint32_t>(hash);
  if (!enabled_) return {next_id_++, set_index};  // raw keys: every concrete rule is its own
  auto it = rules_.find(KeyView{hash, key});
  if (it == rules_.end()) {
    rules_.emplace(StoredKey{hash, key}, Entry{next_id_, outcome});
    return {next_id_++, set_index};
  }
  if (it->second.outcome == outcome) {
    ++merged_;
    return {it->second.id, set_index};
  }
  if (unsound_++ == 0) {
    size_t m = 0;
    while (m + 1 < members.size() &&
           std::equal(outcome.begin() + 1 + 3 * m, outcome.begin() + 4 + 3 * m,
                      it->second.outcome.begin() + 1 + 3 * m))
      ++m;
    first_unsound_ = fmt::format(
        "{} (member {}), opgroup word {:#x}: two rules with the same "
        "identity pattern give different outcomes",
        names_[m], m, op_word);
  }
  return {next_id_++, set_index};
}

}  // namespace unitag::tags
