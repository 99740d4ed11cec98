// A policy sees every operand: for each instruction format with register operands, one
// instruction runs on a tagged hart of a real machine whose every register holds a tag of its
// own, and a policy that reads every input must be handed exactly the tags of the instruction's
// sources, in whichever register file they are (0 for a field that is no source). Then each
// source is re-tagged in turn and the instruction runs again: the per-instruction check's fast
// path must notice the change and consult the rule again.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "machine/isa/encode.h"
#include "machine/machine.h"
#include "tags/engine/engine.h"
#include "tags/engine/hart_tagger.h"
#include "tags/engine/opgroup.h"
#include "tests/unit/machine_fixture.h"

namespace unitag::tags {
namespace {

// Metas read as decimal in failure messages: 1006 is x6's, 2007 is f7's; a re-tagged
// register's meta is 10000 more.
constexpr Meta kPcMeta = 7, kCodeMeta = 9, kMemMeta = 500, kRetagged = 10000;
Meta x_meta(unsigned r) { return 1000 + r; }
Meta f_meta(unsigned r) { return 2000 + r; }

// Reads every input of every opgroup, allows everything and keeps what each rule saw.
class RecordingPolicy final : public Policy {
 public:
  explicit RecordingPolicy(std::vector<RuleInputs>& seen) : seen_(seen) {}
  std::string_view name() const override { return "record"; }
  std::string_view summary() const override { return "records the inputs of every rule"; }
  unsigned inputs(OpGroup, bool) const override { return kPc | kCi | kRs1 | kRs2 | kRs3 | kMem; }
  Meta code_meta(const ImageFacts&, uint64_t) const override { return kCodeMeta; }
  const Denial* rule(const RuleInputs& in, RuleOutputs&) const override {
    seen_.push_back(in);
    return nullptr;
  }
  std::string describe(Meta m, Site) const override { return m ? std::to_string(m) : "-"; }

 private:
  std::vector<RuleInputs>& seen_;
};

// A source operand: a register of one file (kNone: the field is no source).
struct Source {
  RegFile file = RegFile::kNone;
  unsigned reg = 0;
};
Source xr(unsigned r) { return {RegFile::kX, r}; }
Source fr(unsigned r) { return {RegFile::kF, r}; }
constexpr Source kNoSource{};

// The fields every test instruction uses: rd, rs1 (also the address), rs2, rs3.
constexpr unsigned kRdReg = 5, kRs1Reg = 6, kRs2Reg = 7, kRs3Reg = 8;
// Outside the image and its heap (which ends at 60 MiB into RAM).
constexpr uint64_t kCodeAt = Bus::kRamBase + (64u << 20), kDataAt = kCodeAt + 0x10000;
constexpr int32_t kOffset = 8;  // loads and stores access kDataAt + kOffset

class EveryOperandReachesTheRule : public ::testing::Test {
 protected:
  EveryOperandReachesTheRule()
      : image_(ElfImage::load(std::string(UNITAG_GUEST_BIN) + "/tags_benign_sort.elf")),
        machine_([] {
          MachineConfig c;
          c.deterministic = true;
          c.uart_out = std::tmpfile();
          return c;
        }()) {
    machine_.load(image_);
    std::vector<std::unique_ptr<Policy>> policies;
    policies.push_back(std::make_unique<RecordingPolicy>(seen_));
    engine_ = std::make_unique<TagEngine>(std::move(policies), EngineConfig{}, machine_, image_);
    engine_->attach(hart());
    tagger_ = static_cast<HartTagger*>(hart().hooks());
  }

  Hart& hart() { return machine_.hart(0); }
  Tag tag_of(Meta m) {
    TagTuple t;
    t.member[0] = m;
    return engine_->table().intern(t);
  }
  Tag& register_tag(Source s) {
    return s.file == RegFile::kF ? tagger_->ftag()[s.reg] : tagger_->xtag()[s.reg];
  }
  static Meta meta_of(Source s) {
    if (s.file == RegFile::kNone) return 0;
    return s.file == RegFile::kX ? x_meta(s.reg) : f_meta(s.reg);
  }

  // Runs `word` once at kCodeAt with every register, the pc and the data words tagged afresh
  // (`retag`'s register, or the data words, with a changed tag).
  void execute(uint32_t word, Source retag = kNoSource, bool retag_memory = false) {
    // Written only when it changes: a write to code drops the instruction's decoded form and
    // with it the rule its code entry holds.
    const uint32_t program[] = {word, test::kSelfLoop, test::kSelfLoop};
    uint32_t there[3] = {};
    EXPECT_TRUE(hart().peek(kCodeAt, there, sizeof there));
    if (std::memcmp(program, there, sizeof program) != 0) {
      EXPECT_TRUE(hart().poke(kCodeAt, program, sizeof program));
    }
    for (unsigned r = 1; r < 32; ++r) {
      tagger_->xtag()[r] = tag_of(x_meta(r));
      tagger_->ftag()[r] = tag_of(f_meta(r));
    }
    tagger_->ftag()[0] = tag_of(f_meta(0));
    if (retag.file != RegFile::kNone) register_tag(retag) = tag_of(meta_of(retag) + kRetagged);
    tagger_->pctag() = tag_of(kPcMeta);
    const Meta mem = retag_memory ? kMemMeta + kRetagged : kMemMeta;
    for (uint64_t a : {kDataAt, kDataAt + kOffset}) engine_->shadow().set(a, tag_of(mem));
    hart().x[kRs1Reg] = kDataAt;
    hart().pc = kCodeAt;
    seen_.clear();
    hart().execute(1);
    EXPECT_TRUE(hart().pc == kCodeAt + 4 || hart().pc == kCodeAt + 8)
        << "the instruction did not complete: pc " << std::hex << hart().pc;
  }

  // The inputs of the first rule consulted when `word` runs, which must be the instruction's own.
  RuleInputs first_rule(uint32_t word, Source retag = kNoSource, bool retag_memory = false) {
    execute(word, retag, retag_memory);
    if (seen_.empty()) {
      ADD_FAILURE() << "no rule consulted: the check did not see a changed input tag";
      return RuleInputs{OpGroup::kIllegal};
    }
    EXPECT_EQ(seen_.front().op, classify(decode(word))) << "not the instruction's own rule";
    return seen_.front();
  }

  // The rule sees the tags of exactly these sources (and of the memory word when `memory`): on
  // the first run, and again each time one of them changes its tag.
  void expect_sources(uint32_t word, Source rs1, Source rs2, Source rs3, bool memory) {
    const std::string text = disassemble(decode(word), kCodeAt);
    const std::array<Source, 3> sources = {rs1, rs2, rs3};
    auto same = [](Source a, Source b) { return a.file == b.file && a.reg == b.reg; };
    auto expect_seen = [&](const RuleInputs& in, Source retagged, bool mem_retagged,
                           const std::string& when) {
      const Meta seen[3] = {in.rs1, in.rs2, in.rs3};
      for (int i = 0; i < 3; ++i) {
        const bool changed = sources[i].file != RegFile::kNone && same(sources[i], retagged);
        const Meta want = meta_of(sources[i]) + (changed ? kRetagged : 0);
        EXPECT_EQ(seen[i], want) << text << ": rs" << i + 1 << " " << when;
      }
      EXPECT_EQ(in.pc, kPcMeta) << text << " " << when;
      EXPECT_EQ(in.ci, kCodeMeta) << text << " " << when;
      const Meta want_mem = memory ? kMemMeta + (mem_retagged ? kRetagged : 0) : 0;
      EXPECT_EQ(in.mem, want_mem) << text << ": memory word " << when;
    };
    expect_seen(first_rule(word), kNoSource, false, "on first run");
    // Each re-tagged run follows one with the first tags, which leaves the instruction's entry
    // holding its rule with nothing inserted since: the run takes the check's fast path, whose
    // comparison of the input tags must see the change.
    for (int i = 0; i < 3; ++i) {
      // A register named twice (fmv.d) was re-tagged already: its rule is memoised by now.
      if (sources[i].file == RegFile::kNone || (i > 0 && same(sources[i], sources[i - 1])))
        continue;
      execute(word);
      expect_seen(first_rule(word, sources[i]), sources[i], false,
                  "after re-tagging rs" + std::to_string(i + 1));
    }
    if (memory) {
      execute(word);
      expect_seen(first_rule(word, kNoSource, true), kNoSource, true, "after re-tagging memory");
    }
  }

  ElfImage image_;
  Machine machine_;
  std::vector<RuleInputs> seen_;
  std::unique_ptr<TagEngine> engine_;
  HartTagger* tagger_ = nullptr;
};

// Encodings with every register field set (fields a format does not use stay in its match).
uint32_t fields(Op op, unsigned rd, unsigned rs1, unsigned rs2 = 0, unsigned rs3 = 0) {
  return insn_info(op).match | rd << 7 | rs1 << 15 | rs2 << 20 | rs3 << 27;
}

TEST_F(EveryOperandReachesTheRule, R) {
  expect_sources(fields(Op::add, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), xr(kRs2Reg), kNoSource,
                 false);
}

// An immediate whose low bits name a tagged register (x7) in rs2's position.
TEST_F(EveryOperandReachesTheRule, I) {
  expect_sources(test::I(Op::addi, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), kNoSource, kNoSource,
                 false);
}

TEST_F(EveryOperandReachesTheRule, Load) {
  expect_sources(test::I(Op::ld, kRdReg, kRs1Reg, kOffset), xr(kRs1Reg), kNoSource, kNoSource,
                 true);
}

TEST_F(EveryOperandReachesTheRule, S) {
  expect_sources(test::S(Op::sd, kRs2Reg, kRs1Reg, kOffset), xr(kRs1Reg), xr(kRs2Reg), kNoSource,
                 true);
}

TEST_F(EveryOperandReachesTheRule, B) {
  expect_sources(enc::b(0, kRs1Reg, kRs2Reg, 8), xr(kRs1Reg), xr(kRs2Reg), kNoSource,
                 false);  // beq
}

TEST_F(EveryOperandReachesTheRule, Shift) {
  expect_sources(test::Shift(Op::slli, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), kNoSource, kNoSource,
                 false);
}

TEST_F(EveryOperandReachesTheRule, ShiftW) {
  expect_sources(test::Shift(Op::slliw, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), kNoSource,
                 kNoSource, false);
}

// mepc (0x341): the CSR number's low bits name x1 in rs2's position.
TEST_F(EveryOperandReachesTheRule, Csr) {
  expect_sources(test::Csr(Op::csrrw, kRdReg, 0x341, kRs1Reg), xr(kRs1Reg), kNoSource, kNoSource,
                 false);
}

TEST_F(EveryOperandReachesTheRule, Amo) {
  expect_sources(fields(Op::amoadd_d, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), xr(kRs2Reg),
                 kNoSource, true);
}

TEST_F(EveryOperandReachesTheRule, StoreConditional) {
  expect_sources(fields(Op::sc_d, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), xr(kRs2Reg), kNoSource,
                 true);
}

TEST_F(EveryOperandReachesTheRule, Lr) {
  expect_sources(fields(Op::lr_d, kRdReg, kRs1Reg), xr(kRs1Reg), kNoSource, kNoSource, true);
}

TEST_F(EveryOperandReachesTheRule, R4) {
  expect_sources(fields(Op::fmadd_d, kRdReg, kRs1Reg, kRs2Reg, kRs3Reg), fr(kRs1Reg), fr(kRs2Reg),
                 fr(kRs3Reg), false);
}

TEST_F(EveryOperandReachesTheRule, FLoad) {
  expect_sources(test::I(Op::fld, kRdReg, kRs1Reg, kOffset), xr(kRs1Reg), kNoSource, kNoSource,
                 true);
}

TEST_F(EveryOperandReachesTheRule, FStore) {
  expect_sources(test::S(Op::fsd, kRs2Reg, kRs1Reg, kOffset), xr(kRs1Reg), fr(kRs2Reg), kNoSource,
                 true);
}

TEST_F(EveryOperandReachesTheRule, FR) {
  expect_sources(fields(Op::fadd_d, kRdReg, kRs1Reg, kRs2Reg), fr(kRs1Reg), fr(kRs2Reg), kNoSource,
                 false);
}

// fmv.d is fsgnj.d with both sources the same register.
TEST_F(EveryOperandReachesTheRule, FRMove) {
  expect_sources(fields(Op::fsgnj_d, kRdReg, kRs1Reg, kRs1Reg), fr(kRs1Reg), fr(kRs1Reg), kNoSource,
                 false);
}

// The conversion selector in rs2's position is 0: f0 is tagged and must not be seen.
TEST_F(EveryOperandReachesTheRule, FR1) {
  expect_sources(fields(Op::fsqrt_d, kRdReg, kRs1Reg), fr(kRs1Reg), kNoSource, kNoSource, false);
}

TEST_F(EveryOperandReachesTheRule, FToX) {
  expect_sources(fields(Op::fmv_x_d, kRdReg, kRs1Reg), fr(kRs1Reg), kNoSource, kNoSource, false);
}

TEST_F(EveryOperandReachesTheRule, XToF) {
  expect_sources(fields(Op::fmv_d_x, kRdReg, kRs1Reg), xr(kRs1Reg), kNoSource, kNoSource, false);
}

TEST_F(EveryOperandReachesTheRule, FCmp) {
  expect_sources(fields(Op::feq_d, kRdReg, kRs1Reg, kRs2Reg), fr(kRs1Reg), fr(kRs2Reg), kNoSource,
                 false);
}

// tag.alloc's rule also sees the word its rs1 names.
TEST_F(EveryOperandReachesTheRule, Tag) {
  expect_sources(fields(Op::tag_alloc, kRdReg, kRs1Reg, kRs2Reg), xr(kRs1Reg), xr(kRs2Reg),
                 kNoSource, true);
}

// Formats without register sources: the fields in rs1's and rs2's places hold immediates that
// name tagged registers, which the rule must not see.
TEST_F(EveryOperandReachesTheRule, CsrIUAndJHaveNoSources) {
  expect_sources(test::Csr(Op::csrrwi, kRdReg, 0x341, kRs1Reg), kNoSource, kNoSource, kNoSource,
                 false);
  expect_sources(enc::u(0x37, kRdReg, kRs1Reg << 15 | kRs2Reg << 20), kNoSource, kNoSource,
                 kNoSource,
                 false);                                                      // lui
  expect_sources(enc::j(kRdReg, 8), kNoSource, kNoSource, kNoSource, false);  // x8 in rs2's place
}

}  // namespace
}  // namespace unitag::tags
