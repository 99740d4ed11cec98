// The keys of the modeled rule cache. A PUMP-style cache keyed on raw tags holds one rule per
// combination of identities (each allocation's colour, each region, each key), so a composite
// whose members each name many objects multiplies rules. Here a rule is keyed on its canonical
// form: each member's identity fields (Policy::identity_fields) renamed in order of first
// appearance among the rule's inputs, and its outputs written as "copy identity i", which is
// what a cache that compares identity fields and copies them through would store. The host
// still computes concrete rules; this unit names the canonical rule each one belongs to and
// checks every merge (same allow/deny and same outputs up to the renaming).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "tags/engine/policy.h"

namespace unitag::tags {

// One member's part of a concrete rule: its projected inputs, its outputs, and whether its
// identities suffice (Policy::identities_suffice).
struct MemberRule {
  RuleInputs in;
  RuleOutputs out;
  bool identities_suffice = true;
};

class CanonicalRules {
 public:
  // enabled false: every concrete rule is its own canonical rule (a cache keyed on raw tags).
  CanonicalRules(std::vector<std::string> names,
                 std::vector<std::vector<IdentityField>> fields_per_member, bool enabled);

  // A canonical rule: its id (consecutive, in order of first appearance), and a hash of its
  // key's content, which is what a hardware cache would index its sets by: where a rule lands
  // must not depend on which unrelated rules were met before it.
  struct Rule {
    uint32_t id = 0;
    uint32_t set_index = 0;
  };
  // The canonical rule a concrete rule belongs to: op_word is the rule key's op (opgroup,
  // pc-default bit, access shape); denial is 0 when allowed (else the engine's index + 1).
  Rule classify(uint32_t op_word, std::span<const MemberRule> members, uint32_t denial);

  bool enabled() const { return enabled_; }
  uint64_t canonical_rules() const { return next_id_; }
  uint64_t merged() const { return merged_; }  // concrete rules that shared an earlier one's id
  // Merges refused because the outputs differed: a policy declared an identity it reads
  // meaning into. Kept apart (own id), counted, and the first one described.
  uint64_t unsound() const { return unsound_; }
  const std::string& first_unsound() const { return first_unsound_; }

 private:
  // Keys are hashed once per classification: the set index is that hash, and lookups pass it
  // along with a view of the key (no copy unless the rule is new).
  static size_t hash_words(std::span<const uint64_t> words);
  struct KeyView {
    size_t hash;
    std::span<const uint64_t> words;
  };
  struct StoredKey {
    size_t hash;
    std::vector<uint64_t> words;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const StoredKey& k) const { return k.hash; }
    size_t operator()(const KeyView& k) const { return k.hash; }
  };
  struct KeyEqual {
    using is_transparent = void;
    static bool same(std::span<const uint64_t> a, std::span<const uint64_t> b) {
      return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
    bool operator()(const StoredKey& a, const StoredKey& b) const { return same(a.words, b.words); }
    bool operator()(const KeyView& a, const StoredKey& b) const { return same(a.words, b.words); }
    bool operator()(const StoredKey& a, const KeyView& b) const { return same(a.words, b.words); }
  };
  struct Entry {
    uint32_t id;
    std::vector<uint64_t> outcome;
  };
  // Renames member m's identity fields in `meta` at `site` (ids: the member's identities so far,
  // extended for inputs). Returns false when an output holds an identity no input had, or the
  // field has no room for the index.
  bool rename(size_t m, Site site, bool output, std::vector<uint64_t>& ids, Meta& meta) const;

  std::vector<std::string> names_;
  std::vector<std::vector<IdentityField>> fields_;
  // fields_ split by site (Site's four values), as rename reads them.
  std::vector<std::array<std::vector<IdentityField>, 4>> fields_by_site_;
  bool enabled_;
  uint32_t next_id_ = 0;
  uint64_t merged_ = 0, unsound_ = 0;
  std::string first_unsound_;
  std::unordered_map<StoredKey, Entry, KeyHash, KeyEqual> rules_;
  std::vector<uint64_t> key_scratch_, outcome_scratch_, ids_scratch_;
};

}  // namespace unitag::tags
