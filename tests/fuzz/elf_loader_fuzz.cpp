// The ELF loader on arbitrary files: an image is either refused with a one-line UserError
// naming it (exit code 65), or accepted with segments inside the file, and then either loads
// into a small machine or is refused the same way.
#include <string>
#include <vector>

#include "machine/errors.h"
#include "machine/loader/elf.h"
#include "machine/machine.h"
#include "tests/fuzz/fuzz_targets.h"

namespace unitag::fuzz {
namespace {

void check_refusal(const UserError& e, bool names_image) {
  const std::string what = e.what();
  FUZZ_CHECK(e.code() == exit_code::kBadImage);
  FUZZ_CHECK(what.find('\n') == std::string::npos);
  if (names_image) FUZZ_CHECK(what.rfind("fuzz.elf: ", 0) == 0);
}

}  // namespace

int elf_loader(const uint8_t* data, size_t size) {
  std::optional<ElfImage> image;
  try {
    image.emplace(ElfImage::parse(std::vector<uint8_t>(data, data + size), "fuzz.elf"));
  } catch (const UserError& e) {
    check_refusal(e, true);
    return 0;
  }
  for (const ElfSegment& s : image->segments()) {
    FUZZ_CHECK(s.offset <= size && s.filesz <= size - s.offset);
    FUZZ_CHECK(s.filesz <= s.memsz);
  }
  for (uint64_t a : {image->entry(), uint64_t{0}, ~uint64_t{0}, Bus::kRamBase}) {
    FUZZ_CHECK(!image->describe(a).empty());
    (void)image->function_at(a);
  }
  for (const ElfSymbol& s : image->symbols()) (void)image->symbol_address(s.name);
  MachineConfig cfg;
  cfg.mem_size = 1 << 20;
  Machine machine(cfg);
  try {
    machine.load(*image);
  } catch (const UserError& e) {
    check_refusal(e, false);
  }
  return 0;
}

}  // namespace unitag::fuzz
