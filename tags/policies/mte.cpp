// mte: ARM MTE style lock and key memory tagging. Every granule of an allocation gets a
// random 4-bit key (1-15) in its memory tags; the pointer malloc returns carries the same key,
// and an access through a keyed pointer must hit a granule with the same key. Adjacent granules
// of different allocations always get different keys (as MTE's allocators guarantee), so a
// linear overflow or underflow into a neighbour is caught every time; free re-keys the block with
// a different random key, so a use after free is caught unless the block was reallocated with
// the freed pointer's key again (about 1 in 15, MTE's published miss rate is 1/16), and so is a
// far out-of-bounds access that lands in another allocation of the same key.
// Where the key lives: MTE puts it in the pointer's top byte and the hardware ignores that byte
// when addressing (top-byte ignore). unitag's harts have no TBI, and adding it would change
// every address computation of tagged harts; here the key travels in the register tag instead
// (as heap's colour does): pointer arithmetic, moves and 64-bit loads and stores keep it. This
// models MTE's detection, not its address bits: a program cannot read or forge its pointers'
// keys. Keys are drawn from a generator seeded by option seed=N, so a run is reproducible
// (deterministic mode) and different seeds give different keys.
// Granules are 8 bytes, unitag's tag granularity, not MTE's 16: picolibc's malloc aligns blocks
// to 8 bytes (MTE's allocators align to 16), so a 16-byte granule would be shared by two
// neighbours and keying one block would re-key the end of the other (a false positive).
// Cannot catch: the misses above; an overflow inside an allocation's last granule (its bytes
// past the end share the key); accesses through pointers whose key
// was lost (byte-wise copies), which are unchecked; stack and global buffers (key 0, unchecked).
// Binds picolibc's allocator like heap and bounds do; they compose (each sees every call).
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <mutex>
#include <random>

#include "tags/policies/pointer_tags.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr unsigned kA0 = 10;
constexpr uint64_t kGranule = 8;  // see above: one tag word
constexpr unsigned kKeys = 16;    // 4 bits; key 0 is untagged memory and unkeyed pointers

// Register: the pointer's key. Memory: bits 0-3 the granule's key, bits 8-11 the key of a
// pointer stored in the word. CI: pointer_code_meta (allocator authority, subtraction).
unsigned key(Meta m) { return static_cast<unsigned>(m) & 0xf; }
unsigned stored(Meta m) { return static_cast<unsigned>(m >> 8) & 0xf; }
Meta word(unsigned granule_key, unsigned pointer_key) { return granule_key | pointer_key << 8; }

Meta set_key(Meta, Meta k) { return k; }  // a fresh or freed block holds no pointers
Meta set_key_keep_values(Meta old, Meta k) { return word(static_cast<unsigned>(k), stored(old)); }
Meta drop_value(Meta old, Meta) { return word(key(old), 0); }
Meta take_value(Meta dst, Meta src) { return word(key(dst), stored(src)); }
Meta set_value(Meta old, Meta k) { return word(key(old), static_cast<unsigned>(k)); }

constexpr Denial kStoreMismatch{"store-key",
                                "store through a pointer whose key differs from the "
                                "granule's (a tag check fault)",
                                "mte-tag-mismatch"};
constexpr Denial kLoadMismatch{"load-key",
                               "load through a pointer whose key differs from the "
                               "granule's (a tag check fault)",
                               "mte-tag-mismatch"};

bool is_access(OpGroup op) { return accesses_memory(op) && op != OpGroup::kTagGet; }
uint64_t granule_down(uint64_t a) { return a & ~(kGranule - 1); }
uint64_t granule_up(uint64_t a) { return (a + kGranule - 1) & ~(kGranule - 1); }

class Mte final : public Policy {
 public:
  std::string_view name() const override { return "mte"; }
  std::string_view summary() const override {
    return "ARM MTE style: a random 4-bit key per heap granule (8 bytes) and in the pointer; "
           "overflows into neighbours always, use after free with probability 14/15";
  }
  std::optional<std::string> set_option(std::string_view k, std::string_view value) override {
    if (k != "seed") return "unknown option '" + std::string(k) + "'";
    uint64_t seed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seed);
    if (ec != std::errc() || end != value.data() + value.size())
      return fmt::format("seed={}: give a non-negative integer", value);
    random_.seed(seed);
    return std::nullopt;
  }
  std::vector<std::string> options() const override {
    return {"seed=N: seed of the random keys (default 1); runs with one seed key alike"};
  }

  unsigned inputs(OpGroup op, bool) const override { return pointer_tag_inputs(op); }
  // Keys are only compared and copied.
  std::vector<IdentityField> identity_fields() const override {
    return {{Site::kRegister, 0, 4, 1, kKeys - 1},
            {Site::kMemory, 0, 4, 1, kKeys - 1},
            {Site::kMemory, 8, 4, 1, kKeys - 1}};
  }
  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    return pointer_code_meta(facts, pc);
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    const unsigned rs1 = key(in.rs1), rs2 = key(in.rs2);
    if (const auto rd = derived_pointer_tag(in.op, in.ci, rs1, rs2)) {
      out.rd = *rd;
      return nullptr;
    }
    if (!is_access(in.op)) return nullptr;
    const bool store = writes_memory(in.op);
    if (!(in.ci & kAllocatorAuthority) && rs1 != 0 && rs1 != key(in.mem))
      return store ? &kStoreMismatch : &kLoadMismatch;
    const StoredPointerFlow flow = stored_pointer_flow(in.op, in.ci);
    if (flow.rd_gets_stored) out.rd = stored(in.mem);
    if (store)
      out.mem = flow.writes
                    ? word(key(in.mem),
                           static_cast<unsigned>(stored_pointer_after(flow, stored(in.mem), rs2)))
                    : in.mem;
    return nullptr;
  }

  std::vector<std::string> bound_functions(const ImageFacts& facts) const override {
    return standard_allocator_bindings(facts);
  }
  EventSet events() const override {
    return EventSet::of<BoundCallEntry, BoundCallReturn, HostWrite>();
  }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* ret = std::get_if<BoundCallReturn>(&e)) allocator_returned(ret->call, tags);
    // Bytes from the host are data: the granules keep their key, the words hold no pointer.
    if (const auto* w = std::get_if<HostWrite>(&e))
      tags.update_range(w->addr, w->size, &drop_value, 0);
    return nullptr;
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    if (site == Site::kRegister) return fmt::format("pointer key {}", key(m));
    if (site == Site::kInstruction) return m & kAllocatorAuthority ? "allocator code" : "subtracts";
    if (site != Site::kMemory) return "?";
    std::string s = key(m) ? fmt::format("granule key {}", key(m)) : "untagged granule";
    if (stored(m)) s += fmt::format(", holds a pointer of key {}", stored(m));
    return s;
  }
  Explanation explain(const Denial&, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    std::string s = fmt::format("pointer key {}, memory key {}", key(in.rs1), key(in.mem));
    if (has_addr) s += block_text(addr);
    return {{}, s + "\n"};
  }

 private:
  // What each call did to the blocks: keys the new one, re-keys the freed one.
  void allocator_returned(const BoundCall& call, TagAccess& tags) {
    const auto& a = call.args;
    const uint64_t result = call.result;
    if (call.function == "malloc") {
      allocate(result, a[0], tags, &set_key);
    } else if (call.function == "calloc") {
      allocate(result, a[0] * a[1], tags, &set_key);
    } else if (call.function == "aligned_alloc" || call.function == "memalign") {
      allocate(result, a[1], tags, &set_key);
    } else if (call.function == "free") {
      release(a[0], tags);
    } else if (call.function == "realloc") {
      const uint64_t old_size = size_of(a[0]);
      if (result != 0 && a[0] != 0 && result != a[0])  // moved: so do its stored pointers
        tags.copy_values(a[0], result, std::min(old_size, a[1]), &take_value);
      if (a[0] != 0 && (result != 0 || a[1] == 0)) release(a[0], tags);
      allocate(result, a[1], tags, &set_key_keep_values);
    } else if (call.function == "posix_memalign" && result == 0) {
      uint64_t p = 0;
      if (tags.read_u64(a[0], p) && p) {
        tags.update_range(a[0], 8, &set_value, allocate(p, a[2], tags, &set_key));
        tags.set_reg_meta(kA0, 0);
      }
    }
  }

  // Keys [p, p + size) with a random key unlike its neighbours' granules; returns the key.
  unsigned allocate(uint64_t p, uint64_t size, TagAccess& tags, Meta (*f)(Meta, Meta)) {
    if (p == 0) return 0;
    const uint64_t lo = granule_down(p), hi = std::max(granule_up(p + size), lo + kGranule);
    const unsigned before = key(tags.mem_meta(lo - kGranule)), after = key(tags.mem_meta(hi));
    const unsigned k = random_key(before, after);
    tags.update_range(lo, hi - lo, f, k);
    tags.set_reg_meta(kA0, k);
    std::lock_guard lock(mu_);
    live_[p] = size;
    return k;
  }

  // Re-keys a freed block with a key unlike the one its pointers carry.
  void release(uint64_t p, TagAccess& tags) {
    const uint64_t size = size_of(p);
    {
      std::lock_guard lock(mu_);
      if (live_.erase(p) == 0) return;  // not a block we keyed (heap catches bad frees)
    }
    const uint64_t lo = granule_down(p), hi = std::max(granule_up(p + size), lo + kGranule);
    tags.update_range(lo, hi - lo, &set_key_keep_values, random_key(key(tags.mem_meta(lo)), 0));
  }

  // A random key in 1..15 other than the excluded ones (0 excludes nothing).
  unsigned random_key(unsigned not1, unsigned not2) {
    std::lock_guard lock(mu_);
    for (;;) {
      const unsigned k = 1 + static_cast<unsigned>(random_() % (kKeys - 1));
      if (k != not1 && k != not2) return k;
    }
  }

  uint64_t size_of(uint64_t p) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(p);
    return it == live_.end() ? 0 : it->second;
  }

  std::string block_text(uint64_t addr) const {
    std::lock_guard lock(mu_);
    auto it = live_.upper_bound(addr);
    if (it == live_.begin()) return "";
    --it;
    const uint64_t end = granule_up(it->first + it->second);
    if (addr >= end)
      return fmt::format("; 0x{:x} is {} bytes past the block [0x{:x}, +{})", addr,
                         addr - (it->first + it->second), it->first, it->second);
    return fmt::format("; 0x{:x} is inside the live block [0x{:x}, +{})", addr, it->first,
                       it->second);
  }

  mutable std::mutex mu_;
  std::mt19937_64 random_{1};
  std::map<uint64_t, uint64_t> live_;  // base -> size of each block keyed and not yet freed
};

}  // namespace

std::unique_ptr<Policy> make_mte_policy() { return std::make_unique<Mte>(); }

}  // namespace unitag::tags
