// Booting as QEMU `virt` does with -bios/-kernel/-initrd/-append: the firmware (OpenSBI) at the
// start of RAM, the kernel at 0x8020_0000 (OpenSBI generic's fw_jump address), the initrd above
// it, the device tree near the top of RAM; every hart starts in the firmware with a0 = hartid,
// a1 = the device tree and a2 = OpenSBI's fw_dynamic info (next stage: the kernel, in S-mode).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "machine/loader/elf.h"

namespace unitag {

class Machine;

struct FirmwareBootConfig {
  std::string firmware;  // ELF, or a raw binary loaded at the start of RAM
  std::string kernel;    // optional: ELF (loaded by its addresses) or raw (at kKernelAddress)
  std::string initrd;    // optional
  std::string bootargs;
};

struct FirmwareBootLayout {
  static constexpr uint64_t kKernelAddress = 0x80200000;
  uint64_t firmware_entry = 0;
  uint64_t kernel_end = 0;  // 0 without a kernel
  uint64_t initrd_start = 0, initrd_end = 0;
  uint64_t fdt_address = 0, fdt_size = 0;
  uint64_t dynamic_info = 0;
};

// Loads everything into the machine's RAM and points the harts at the firmware. Throws
// UserError for a missing file or one that does not fit in RAM. Returns the layout; when the
// firmware is an ELF, `symbols` receives it (for reports that name firmware functions).
FirmwareBootLayout boot_firmware(Machine& machine, const FirmwareBootConfig& config,
                                 std::unique_ptr<ElfImage>& symbols);

// Reads a whole host file; throws UserError (kNoInput) naming the flag when it cannot.
std::vector<uint8_t> read_boot_file(const std::string& path, const char* flag);

}  // namespace unitag
