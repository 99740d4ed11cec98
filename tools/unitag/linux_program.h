// Linux programs under `unitag run`: recognising a static riscv64 Linux ELF, finding the library
// OS's Linux personality image that runs it, and handing it the program, its arguments,
// environment and files (abi/unitag/linux_boot.h). docs/linux-abi.md has the design.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "machine/machine.h"

namespace unitag {

struct LinuxProgram {
  std::string path;
  std::vector<uint8_t> bytes;
};

// The program at `path` if it is a Linux executable (a static riscv64 glibc binary); nullopt for
// anything else, which ElfImage::load then judges. Throws UserError (kBadImage) for a dynamically
// linked or malformed Linux binary, saying what to do.
std::optional<LinuxProgram> detect_linux_program(const std::string& path);

// The personality image: $UNITAG_LINUX_IMAGE, else guest/linux_abi.elf beside the unitag binary.
std::string linux_personality_image();

// The environment a Linux program starts with: unitag's own (none with `clear`), each NAME=VALUE
// of `overrides` replacing or adding NAME. Throws UserError for an entry without '='.
std::vector<std::string> linux_environment(bool clear, const std::vector<std::string>& overrides);

// Writes the hand-over block below the boot info and lowers the boot info's ram_size to end
// where the block starts. `files` are HOST[=GUEST] pairs for the ramfs.
void place_linux_program(Machine& machine, const ElfImage& kernel, const LinuxProgram& program,
                         const std::vector<std::string>& args,
                         const std::vector<std::string>& files,
                         const std::vector<std::string>& environment);

}  // namespace unitag
