// The executor on arbitrary instruction streams: a small machine runs the input's words in M or
// U mode (optionally with FP off, or as a tagged hart under every policy with violations
// trapped), with a handler that skips each faulting instruction. The host must survive (ASan
// sees any access outside the guest's memory), stay within each block's budget, and keep the
// hart's state architectural.
#include <cstdio>
#include <random>
#include <vector>

#include "machine/hart/csr.h"
#include "machine/isa/encode.h"
#include "machine/loader/elf.h"
#include "machine/machine.h"
#include "tags/engine/engine.h"
#include "tags/policies/registry.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/unit/minimal_elf.h"

namespace unitag::fuzz {
namespace {

constexpr uint32_t kT0 = 5, kT1 = 6, kT6 = 31;
constexpr uint32_t csrrw(uint32_t rd, uint16_t csr, uint32_t rs1) {
  return enc::i(0x73, 1, rd, rs1, static_cast<int32_t>(csr));
}
constexpr uint32_t csrrs(uint32_t rd, uint16_t csr, uint32_t rs1) {
  return enc::i(0x73, 2, rd, rs1, static_cast<int32_t>(csr));
}
constexpr uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) {
  return enc::i(0x13, 0, rd, rs1, imm);
}
constexpr uint32_t kMret = 0x30200073;
constexpr uint64_t kRamSize = 1 << 20;
constexpr size_t kMaxWords = 1024;
constexpr uint64_t kMaxInstructions = 20000, kSlices = 2000, kBlockBudget = 500;
// A block checks its budget where control can loop, so straight-line code may run on to the end
// of its page: at most a page of compressed instructions.
constexpr uint64_t kBudgetSlack = 4096 / 2;

// The image's text: a prologue that installs the handler, opens PMP for U mode and enters the
// body with mret in the chosen mode (a jump would look like a forged return to the stack
// policy); the handler (mepc += 4; mret); then the body.
std::vector<uint32_t> text_for(bool user_mode, Input& in) {
  constexpr int32_t kHandler = 4 * 13, kBody = kHandler + 4 * 4;
  constexpr uint32_t kNop = addi(0, 0, 0);
  std::vector<uint32_t> text = {
      enc::u(0x17, kT0, 0),  // auipc t0, 0
      addi(kT0, kT0, kHandler),
      csrrw(0, csr::kMtvec, kT0),
      addi(kT1, 0, -1),
      csrrw(0, csr::kPmpaddr0, kT1),
      addi(kT1, 0, 0x1f),  // NAPOT over everything, RWX
      csrrw(0, csr::kPmpcfg0, kT1),
      user_mode ? addi(kT1, 0, 0) : enc::u(0x37, kT1, 0x2000),  // lui t1, 2
      user_mode ? kNop : addi(kT1, kT1, -0x800),                // t1 = mstatus.MPP = M
      csrrs(0, csr::kMstatus, kT1),
      addi(kT0, kT0, kBody - kHandler),
      csrrw(0, csr::kMepc, kT0),
      kMret,
      csrrs(kT6, csr::kMepc, 0),
      addi(kT6, kT6, 4),
      csrrw(0, csr::kMepc, kT6),
      kMret,
  };
  while (in.left() >= 4 && text.size() < kMaxWords) text.push_back(in.take<uint32_t>());
  return text;
}

}  // namespace

int executor(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t mode = in.take<uint8_t>();
  const bool user_mode = mode & 1, tagged = mode & 2, fp = !(mode & 4);
  const uint64_t register_seed = in.take<uint64_t>();
  const std::vector<uint32_t> text = text_for(user_mode, in);

  static std::FILE* const sink = std::fopen("/dev/null", "w");
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  cfg.fp = fp;
  cfg.uart_out = sink;
  cfg.uart_in_fd = -1;
  Machine machine(cfg);
  const ElfImage image = ElfImage::parse(test::minimal_elf(text), "fuzz.elf");
  machine.load(image);
  std::unique_ptr<tags::TagEngine> engine;
  if (tagged) {
    const std::vector<std::string> names = composable_policies();
    tags::EngineConfig engine_config;
    engine_config.trap_on_violation = true;
    engine = std::make_unique<tags::TagEngine>(tags::make_policies(names), engine_config, machine,
                                               image);
    engine->attach(machine.hart(0));
  }
  Hart& hart = machine.hart(0);
  std::mt19937_64 rng(register_seed);
  for (unsigned r = 1; r < 32; ++r)
    if (r != kT0 && r != kT1) hart.x[r] = rng() % 3 == 0 ? rng() : Bus::kRamBase + rng() % kRamSize;

  for (uint64_t slice = 0; slice < kSlices && hart.instret < kMaxInstructions; ++slice) {
    if (machine.stop_requested()) {
      // A guest exit (HTIF, test finisher) or a stop the tag engine could not trap: the run is
      // over, as it would be for `unitag run`.
      break;
    }
    if (hart.waiting_for_interrupt) {
      hart.waiting_for_interrupt = false;
      hart.pc += 4;
    }
    hart.poll_interrupts();
    const uint64_t retired = hart.execute(kBlockBudget);
    FUZZ_CHECK(retired <= kBlockBudget + kBudgetSlack);
    FUZZ_CHECK(hart.x[0] == 0);
    FUZZ_CHECK(hart.priv == Priv::M || hart.priv == Priv::S || hart.priv == Priv::U);
    FUZZ_CHECK(hart.pc % 2 == 0);
  }
  return 0;
}

}  // namespace unitag::fuzz
