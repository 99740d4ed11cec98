#include "machine/boot/firmware_boot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

#include "machine/boot/device_tree.h"
#include "machine/errors.h"
#include "machine/machine.h"

namespace unitag {
namespace {

constexpr uint64_t kFdtAlign = 2ull << 20;  // QEMU places the tree on a 2 MiB boundary
constexpr uint64_t kDynamicInfoMagic = 0x4942534f, kDynamicInfoVersion = 2, kNextModeS = 1;

bool is_elf(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 4 && std::memcmp(bytes.data(),
                                          "\x7f"
                                          "ELF",
                                          4) == 0;
}

// Copies `size` bytes to addr, after checking that `span` bytes (at least size) fit below limit.
void copy_in(Machine& m, uint64_t addr, const uint8_t* data, uint64_t size, uint64_t limit,
             const std::string& what, uint64_t span = 0) {
  span = std::max(span, size);
  if (addr < Bus::kRamBase || addr > limit || span > limit - addr)
    throw UserError(exit_code::kBadImage,
                    fmt::format("{} needs [0x{:x}, 0x{:x}) but RAM usable for it is [0x{:x}, "
                                "0x{:x}); give a larger --mem",
                                what, addr, addr + span, Bus::kRamBase, limit));
  std::memcpy(m.bus().ram() + (addr - Bus::kRamBase), data, size);
}

// Copies an ELF's segments by physical address, as QEMU's loader does; returns the end.
uint64_t load_elf(Machine& m, const ElfImage& image, uint64_t limit, const std::string& what) {
  uint64_t end = 0;
  for (const ElfSegment& s : image.segments()) {
    if (s.memsz == 0) continue;
    copy_in(m, s.paddr, image.bytes().data() + s.offset, s.filesz, limit, what, s.memsz);
    end = std::max(end, s.paddr + s.memsz);
  }
  return end;
}

}  // namespace

std::vector<uint8_t> read_boot_file(const std::string& path, const char* flag) {
  // Found by tests/fuzz/cli_fuzz.py: a directory opens, then fails to read (an internal error).
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError(exit_code::kNoInput,
                    fmt::format("{} {}: is a directory; give a file", flag, path));
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw UserError(exit_code::kNoInput,
                    fmt::format("{} {}: cannot open the file; check the path{}", flag, path,
                                std::string_view(flag) == "--firmware"
                                    ? " (Debian's OpenSBI is "
                                      "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf)"
                                    : ""));
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

FirmwareBootLayout boot_firmware(Machine& m, const FirmwareBootConfig& config,
                                 std::unique_ptr<ElfImage>& symbols) {
  FirmwareBootLayout layout;
  const uint64_t ram_end = Bus::kRamBase + m.bus().ram_size();
  const std::vector<uint8_t> initrd =
      config.initrd.empty() ? std::vector<uint8_t>{} : read_boot_file(config.initrd, "--initrd");
  if (!config.initrd.empty()) {
    // Halfway into small RAM, 128 MiB above the kernel in large RAM (QEMU's riscv_load_initrd).
    layout.initrd_start =
        FirmwareBootLayout::kKernelAddress + std::min<uint64_t>(m.bus().ram_size() / 2, 128 << 20);
    layout.initrd_end = layout.initrd_start + initrd.size();
  }
  DeviceTreeConfig tree;
  tree.harts = m.hart_count();
  tree.mem_size = m.bus().ram_size();
  tree.fp = m.config().fp;
  tree.bootargs = config.bootargs;
  if (!initrd.empty()) tree.initrd = std::pair{layout.initrd_start, layout.initrd_end};
  const std::vector<uint8_t> fdt = build_device_tree(tree);
  layout.fdt_size = fdt.size();
  layout.fdt_address = (ram_end - fdt.size()) & ~(kFdtAlign - 1);
  layout.dynamic_info = layout.fdt_address - 64;
  if (layout.dynamic_info < FirmwareBootLayout::kKernelAddress)
    throw UserError(exit_code::kUsage, "--mem is too small to boot firmware; give at least 8M");
  copy_in(m, layout.fdt_address, fdt.data(), fdt.size(), ram_end, "the device tree");
  // Everything below the boot structures; the initrd must stay out of the kernel's way.
  const uint64_t limit = layout.dynamic_info;
  if (!initrd.empty())
    copy_in(m, layout.initrd_start, initrd.data(), initrd.size(), limit,
            fmt::format("--initrd {} ({} bytes)", config.initrd, initrd.size()));

  const std::vector<uint8_t> firmware = read_boot_file(config.firmware, "--firmware");
  const uint64_t firmware_limit =
      config.kernel.empty() ? limit : FirmwareBootLayout::kKernelAddress;
  if (is_elf(firmware)) {
    symbols = std::make_unique<ElfImage>(ElfImage::parse(firmware, config.firmware));
    load_elf(m, *symbols, firmware_limit, "--firmware " + config.firmware);
    layout.firmware_entry = symbols->entry();
  } else {
    copy_in(m, Bus::kRamBase, firmware.data(), firmware.size(), firmware_limit,
            "--firmware " + config.firmware);
    layout.firmware_entry = Bus::kRamBase;
  }

  if (!config.kernel.empty()) {
    const std::vector<uint8_t> kernel = read_boot_file(config.kernel, "--kernel");
    const uint64_t kernel_limit = initrd.empty() ? limit : layout.initrd_start;
    const std::string what = fmt::format("--kernel {} ({} bytes)", config.kernel, kernel.size());
    if (is_elf(kernel)) {
      layout.kernel_end = load_elf(m, ElfImage::parse(kernel, config.kernel), kernel_limit, what);
    } else {
      copy_in(m, FirmwareBootLayout::kKernelAddress, kernel.data(), kernel.size(), kernel_limit,
              what);
      layout.kernel_end = FirmwareBootLayout::kKernelAddress + kernel.size();
    }
  }

  // OpenSBI's fw_dynamic reads where to go next from here (a2); fw_jump ignores it.
  const uint64_t info[6] = {
      kDynamicInfoMagic, kDynamicInfoVersion, FirmwareBootLayout::kKernelAddress, kNextModeS, 0, 0};
  copy_in(m, layout.dynamic_info, reinterpret_cast<const uint8_t*>(info), sizeof info, ram_end,
          "the firmware's boot information");
  m.start_harts(layout.firmware_entry, layout.fdt_address, layout.dynamic_info, symbols.get());
  return layout;
}

}  // namespace unitag
