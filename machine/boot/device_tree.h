// The flattened device tree of the configured machine, as QEMU `virt` describes its own: harts
// with their ISA strings and interrupt controllers, RAM, the UART, CLINT, PLIC and the test
// finisher (as syscon poweroff/reboot), and /chosen with the command line and initrd. Firmware
// (OpenSBI) and kernels find the machine through it; it is built with libfdt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace unitag {

struct DeviceTreeConfig {
  unsigned harts = 1;
  uint64_t mem_size = 0;
  bool fp = true;
  std::string bootargs;
  // [start, end) of the initrd in guest memory, when there is one.
  std::optional<std::pair<uint64_t, uint64_t>> initrd;
};

// The blob (version 17), ready to copy into guest memory.
std::vector<uint8_t> build_device_tree(const DeviceTreeConfig& config);

// The "riscv,isa" string of every hart, e.g. "rv64imafdc_zicsr_zifencei".
std::string riscv_isa_string(bool fp);

}  // namespace unitag
