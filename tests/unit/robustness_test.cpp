// Randomized robustness checks (bounded, seeded, reproducible): random bytes and mutated images
// fed to ElfImage::parse and Machine::load, random words to the decoder and disassembler, and
// random instruction streams executed on a hart. Nothing may crash; bad images must be refused
// with a one-line UserError.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "machine/errors.h"
#include "machine/loader/elf.h"
#include "tests/unit/machine_fixture.h"
#include "tests/unit/minimal_elf.h"

namespace unitag::test {
namespace {

const std::vector<uint32_t> kProgram = {0x00100513, 0x00150513, 0x00000073, 0x0000006f};

TEST(ElfImage, MinimalImageParsesWithSymbols) {
  const ElfImage img = ElfImage::parse(minimal_elf(kProgram), "mini.elf");
  EXPECT_EQ(img.entry(), 0x80000000u);
  ASSERT_EQ(img.segments().size(), 1u);
  EXPECT_TRUE(img.segments()[0].executable);
  EXPECT_EQ(img.symbol_address("main"), 0x80000008u);
  EXPECT_EQ(img.describe(0x80000004), "_start+0x4");
  EXPECT_EQ(img.describe(0x80000008), "main");
  EXPECT_EQ(img.describe(0x90000000), "0x90000000");
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  Machine m(cfg);
  m.load(img);
  EXPECT_EQ(m.hart(0).pc, 0x80000000u);
  uint32_t first = 0;
  ASSERT_TRUE(m.hart(0).peek(0x80000000, &first, 4));
  EXPECT_EQ(first, kProgram[0]);
}

// Parses `bytes`; either it is accepted (and then loading it into a small machine either works
// or is refused cleanly) or it is refused with a one-line UserError naming the image.
void parse_and_load(std::vector<uint8_t> bytes) {
  try {
    const ElfImage img = ElfImage::parse(std::move(bytes), "fuzz.elf");
    for (uint64_t a : {img.entry(), uint64_t{0}, ~uint64_t{0}}) (void)img.describe(a);
    MachineConfig cfg;
    cfg.mem_size = kRamSize;
    Machine m(cfg);
    try {
      m.load(img);
    } catch (const UserError& e) {
      ASSERT_EQ(e.code(), exit_code::kBadImage) << e.what();
      ASSERT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  } catch (const UserError& e) {
    ASSERT_EQ(e.code(), exit_code::kBadImage) << e.what();
    const std::string what = e.what();
    ASSERT_EQ(what.find('\n'), std::string::npos) << what;
    ASSERT_EQ(what.rfind("fuzz.elf: ", 0), 0u) << what;
  }
}

TEST(ElfImage, RandomBytesAreRefusedCleanly) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> bytes(rng() % 512);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    if (i % 2 && bytes.size() >= 20) {  // a plausible header so parsing goes further
      std::memcpy(bytes.data(), ELFMAG, SELFMAG);
      bytes[EI_CLASS] = ELFCLASS64;
      bytes[EI_DATA] = ELFDATA2LSB;
      bytes[18] = EM_RISCV;
      bytes[19] = 0;
    }
    parse_and_load(std::move(bytes));
  }
}

TEST(ElfImage, MutatedImagesAreRefusedCleanlyOrLoad) {
  const std::vector<uint8_t> good = minimal_elf(kProgram);
  std::mt19937_64 rng(2);
  const uint64_t extremes[] = {0,
                               1,
                               0x7fffffff,
                               0x80000000,
                               0xffffffff,
                               0x7fffffffffffffffull,
                               ~uint64_t{0},
                               0x80000000ull,
                               0x8fffffffull,
                               0x100000};
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> bytes = good;
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < mutations; ++k) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0:
          bytes[at] = static_cast<uint8_t>(rng());
          break;
        case 1:
          bytes[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 2: {  // an extreme 2-, 4- or 8-byte field value
          const uint64_t v = extremes[rng() % std::size(extremes)];
          const size_t width = size_t{2} << (rng() % 3);
          if (at + width <= bytes.size()) std::memcpy(bytes.data() + at, &v, width);
          break;
        }
        case 3:
          bytes.resize(at);
          break;  // truncate
      }
      if (bytes.empty()) break;
    }
    parse_and_load(std::move(bytes));
  }
}

TEST(ElfImage, EveryTruncationIsRefusedCleanly) {
  const std::vector<uint8_t> good = minimal_elf(kProgram);
  for (size_t n = 0; n < good.size(); ++n)
    parse_and_load(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n)));
}

TEST(Decoder, RandomWordsDecodeAndDisassembleWithoutCrashing) {
  std::mt19937 rng(3);
  for (int i = 0; i < 300000; ++i) {
    const uint32_t w = rng();
    for (const bool fp : {true, false}) {
      const DecodedInsn d = decode(w, DecodeOptions{.fp = fp});
      ASSERT_LT(static_cast<size_t>(d.op), static_cast<size_t>(Op::kCount));
      ASSERT_TRUE(d.len == 2 || d.len == 4);
      ASSERT_LE(d.rd, kZeroSink);
      ASSERT_LT(d.rs1, 32);
      ASSERT_LT(d.rs2, 32);
      ASSERT_FALSE(disassemble(d, 0x80000000).empty());
    }
  }
}

// Random instruction streams on a real hart, with a handler that skips the faulting
// instruction. Whatever the guest does (jump anywhere, write CSRs, PMP, devices), the host
// survives and the hart's state stays sane.
TEST(RandomExecution, RandomCodeNeverCrashesTheHost) {
  std::FILE* sink = std::fopen("/dev/null", "w");
  ASSERT_NE(sink, nullptr);
  std::mt19937_64 rng(4);
  for (int program = 0; program < 150; ++program) {
    MachineConfig cfg;
    cfg.mem_size = kRamSize;
    cfg.deterministic = true;
    cfg.uart_out = sink;
    cfg.uart_in_fd = -1;
    Machine m(cfg);
    Hart& h = m.hart(0);
    // Handler at kHandler: mepc += 4; mret.
    const uint32_t handler[] = {Csr(Op::csrrs, 31, csr::kMepc, zero), I(Op::addi, 31, 31, 4),
                                Csr(Op::csrrw, zero, csr::kMepc, 31), Plain(Op::mret)};
    ASSERT_TRUE(h.poke(kHandler, handler, sizeof handler));
    std::vector<uint32_t> words(1024);
    for (auto& w : words) {
      w = static_cast<uint32_t>(rng());
      // Bias towards real instructions: half the time take a table entry with random operands.
      if (rng() % 2) {
        const size_t first = static_cast<size_t>(Op::lui);  // the table's first entry
        const Op op = Op(first + rng() % (static_cast<size_t>(Op::kCount) - first));
        w = (w & ~insn_info(op).mask) | insn_info(op).match;
      }
    }
    ASSERT_TRUE(h.poke(kCode, words.data(), words.size() * 4));
    for (unsigned r = 1; r < 31; ++r) h.x[r] = rng() % 3 == 0 ? rng() : kRam + (rng() % kRamSize);
    h.pc = kCode;
    h.mtvec = kHandler;
    // Handler entries end blocks early, so run many short blocks.
    for (int slice = 0; slice < 4000 && h.instret < 20000 && !m.stop_requested(); ++slice) {
      if (h.waiting_for_interrupt) {
        h.waiting_for_interrupt = false;
        h.pc += 4;
      }
      h.poll_interrupts();
      h.execute(500);
      ASSERT_EQ(h.x[0], 0u);
      ASSERT_TRUE(h.priv == Priv::M || h.priv == Priv::S || h.priv == Priv::U);
    }
  }
  std::fclose(sink);
}

}  // namespace
}  // namespace unitag::test
