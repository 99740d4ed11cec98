// Semihosting calls with hostile arguments: the input picks each call's operation, its
// parameter block (pointers into RAM, at its very end, or anywhere) and the strings it points
// at, and the handler serves it on a real hart. The host survives, every call is claimed, and
// files stay confined: nothing appears beside the root directory.
#include <filesystem>
#include <string>
#include <vector>

#include "machine/machine.h"
#include "machine/semihost/semihost.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/unit/minimal_elf.h"

namespace unitag::fuzz {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kRamSize = 1 << 20;
constexpr uint64_t kSite = Bus::kRamBase + 0x1000;     // the ebreak of the call sequence
constexpr uint64_t kBlock = Bus::kRamBase + 0x8000;    // parameter block
constexpr uint64_t kStrings = Bus::kRamBase + 0x8100;  // what its pointers usually point at
constexpr unsigned kMaxCalls = 16;

constexpr uint64_t kOps[] = {
    semihost_op::kOpen,         semihost_op::kClose,    semihost_op::kWriteC,
    semihost_op::kWrite0,       semihost_op::kWrite,    semihost_op::kRead,
    semihost_op::kReadC,        semihost_op::kIsError,  semihost_op::kIsTty,
    semihost_op::kSeek,         semihost_op::kFlen,     semihost_op::kTmpNam,
    semihost_op::kRemove,       semihost_op::kRename,   semihost_op::kClock,
    semihost_op::kTime,         semihost_op::kSystem,   semihost_op::kErrno,
    semihost_op::kGetCmdline,   semihost_op::kHeapInfo, semihost_op::kExit,
    semihost_op::kExitExtended, semihost_op::kElapsed,  semihost_op::kTickFreq};

// An address or number as a hostile guest would pass it, chosen by the input.
uint64_t hostile_value(Input& in) {
  const uint8_t choice = in.take<uint8_t>();
  const uint64_t small = choice >> 2;
  switch (choice & 3) {
    case 0:
      return kStrings + small;
    case 1:
      return small;
    case 2:
      return in.take<uint64_t>();
    default:
      return Bus::kRamBase + kRamSize - small;  // at or just below the end of RAM
  }
}

// The sandbox: <parent>/root is the guest's root; nothing else may ever appear in <parent>.
struct Sandbox {
  fs::path parent, root;
  Sandbox() {
    char pattern[] = "/tmp/unitag-fuzz-semihost-XXXXXX";
    FUZZ_CHECK(::mkdtemp(pattern) != nullptr);
    parent = pattern;
    root = parent / "root";
    fs::create_directory(root);
  }
  ~Sandbox() {
    std::error_code ignored;
    fs::remove_all(parent, ignored);
  }
  void check_and_empty() {
    for (const fs::directory_entry& e : fs::directory_iterator(parent))
      FUZZ_CHECK(e.path().filename() == "root");
    for (const fs::directory_entry& e : fs::directory_iterator(root)) fs::remove_all(e.path());
  }
};

}  // namespace

int semihost(const uint8_t* data, size_t size) {
  static Sandbox sandbox;
  static std::FILE* const sink = std::fopen("/dev/null", "w");
  static const ElfImage image =
      ElfImage::parse(test::minimal_elf({0x00000013, 0x00000013, 0x0000006f}), "fuzz.elf");
  Input in(data, size);
  MachineConfig cfg;
  cfg.mem_size = kRamSize;
  cfg.deterministic = true;
  cfg.uart_out = sink;
  cfg.uart_in_fd = -1;
  Machine machine(cfg);
  machine.load(image);
  SemihostConfig config;
  config.enabled = true;
  config.root = sandbox.root.string();
  config.allow_write = in.take<uint8_t>() & 1;
  config.command_line = "fuzz.elf one two";
  {
    Semihost semihost(machine, image, config);
    Hart& hart = machine.hart(0);
    const uint32_t site[] = {Semihost::kEntryInsn, Semihost::kEbreakInsn, Semihost::kExitInsn};
    FUZZ_CHECK(hart.poke(kSite - 4, site, sizeof site));
    for (unsigned call = 0; call < kMaxCalls && in.left() > 0; ++call) {
      const uint8_t op_choice = in.take<uint8_t>();
      hart.x[10] = op_choice < 0xf0 ? kOps[op_choice % std::size(kOps)] : in.take<uint64_t>();
      hart.x[11] = in.take<uint8_t>() & 1 ? hostile_value(in) : kBlock;
      uint64_t block[4];
      for (uint64_t& word : block) word = hostile_value(in);
      FUZZ_CHECK(hart.poke(kBlock, block, sizeof block));
      // Two statements: in one call, left() might be read before take() consumed its byte.
      const size_t wanted = in.take<uint8_t>();
      const size_t string_bytes = std::min<size_t>(wanted, in.left());
      FUZZ_CHECK(hart.poke(kStrings, in.rest(), string_bytes));
      in.skip(string_bytes);
      FUZZ_CHECK(semihost.on_ebreak(hart, kSite));
      if (machine.stop_requested()) (void)machine.clear_stop();  // an exit, or a refused call
    }
  }
  sandbox.check_and_empty();
  return 0;
}

}  // namespace unitag::fuzz
