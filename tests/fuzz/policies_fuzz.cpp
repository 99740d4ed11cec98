// The tag engine's rule evaluation on arbitrary tag tuples: the input chooses a composite of
// registered policies, interns tuples of metadata (taken from tags the image really has, or
// arbitrary words), and evaluates rules on them for every opgroup. Each result must name a real
// denial or real output tags, and every tag involved must describe and explain without failing.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "machine/machine.h"
#include "tags/engine/engine.h"
#include "tags/policies/registry.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/unit/minimal_elf.h"

namespace unitag::fuzz {
namespace {

constexpr unsigned kMaxRules = 64;
constexpr tags::Site kSites[] = {tags::Site::kPc, tags::Site::kInstruction, tags::Site::kRegister,
                                 tags::Site::kMemory};

}  // namespace

std::vector<std::string> composable_policies(uint32_t mask) {
  const auto& all = tags::all_policies();
  if (mask == 0) mask = ~uint32_t{0};
  std::vector<std::string> names;
  for (size_t i = 0; i < all.size(); ++i)
    if (mask >> (i % 32) & 1) names.push_back(all[i].name);
  return names;
}

int policies(const uint8_t* data, size_t size) {
  static const ElfImage image = ElfImage::parse(
      test::minimal_elf({0x00100513, 0x00150513, 0x00000073, 0x0000006f, 0x00008067}), "fuzz.elf");
  Input in(data, size);
  MachineConfig cfg;
  cfg.mem_size = 1 << 20;
  cfg.deterministic = true;
  Machine machine(cfg);
  machine.load(image);
  tags::TagEngine engine(tags::make_policies(composable_policies(in.take<uint16_t>())),
                         tags::EngineConfig{}, machine, image);
  tags::TagTable& table = engine.table();
  const size_t members = engine.member_count();

  // Tags the run could really meet: the default, the image's code tags, and rule outputs.
  std::vector<tags::Tag> pool = {table.intern(tags::TagTuple{})};
  for (uint64_t pc = Bus::kRamBase; pc < Bus::kRamBase + 20; pc += 4)
    pool.push_back(engine.code_tag(pc));

  for (unsigned rule = 0; rule < kMaxRules && in.left() > 0; ++rule) {
    if (in.take<uint8_t>() & 1) {  // a new tuple, each member's metadata from the pool or raw
      tags::TagTuple t;
      for (size_t m = 0; m < members; ++m) {
        const uint8_t choice = in.take<uint8_t>();
        t.member[m] =
            choice & 1 ? in.take<uint64_t>() : table.member(pool[(choice >> 1) % pool.size()], m);
      }
      pool.push_back(table.intern(t));
    }
    const auto pick = [&] { return pool[in.take<uint8_t>() % pool.size()]; };
    const tags::Tag pc = pick(), ci = pick(), rs1 = pick(), rs2 = pick(), mem = pick(),
                    rs3 = pick();
    const uint8_t op_choice = in.take<uint8_t>();
    uint32_t op = op_choice % static_cast<uint32_t>(tags::OpGroup::kCount);
    if (pc == pool[0]) op |= 0x80;             // the key says when the PC tag is the default
    const uint8_t shape = in.take<uint8_t>();  // an access's offset and size in a tail word
    if (shape & 1) op |= tags::access_shape(shape >> 1 & 7, 1u << (shape >> 4 & 3));
    const tags::RuleResult r = engine.evaluate(tags::RuleKey::make(op, pc, ci, rs1, rs2, mem, rs3));
    if (r.allow) {
      pool.insert(pool.end(), {r.pc, r.rd, r.mem});
    } else {
      FUZZ_CHECK(r.denying_policy < members);
      const tags::Denial& d = engine.denial(r.denial);
      FUZZ_CHECK(!d.rule.empty() && !d.kind.empty());
      tags::RuleInputs inputs{tags::OpGroup(op & 0x7f)};
      inputs.pc = table.member(pc, r.denying_policy);
      inputs.mem = table.member(mem, r.denying_policy);
      inputs.rs1 = table.member(rs1, r.denying_policy);
      (void)engine.policy(r.denying_policy).explain(d, inputs, true, Bus::kRamBase);
    }
    for (const tags::Tag t : {pc, ci, rs1, mem})
      for (const tags::Site s : kSites) FUZZ_CHECK(!engine.describe(t, s).empty());
  }
  return 0;
}

}  // namespace unitag::fuzz
