#include "machine/boot/device_tree.h"

extern "C" {
#include <libfdt.h>
}

#include <fmt/format.h>

#include "machine/bus/bus.h"
#include "machine/devices/clint.h"
#include "machine/devices/plic.h"
#include "machine/devices/test_finisher.h"
#include "machine/devices/uart.h"
#include "machine/errors.h"
#include "machine/hart/csr.h"
#include "machine/machine.h"

namespace unitag {
namespace {

// libfdt reports errors as negative codes; a failure here is a bug in this file, not bad input.
void check(int error, const char* what) {
  if (error < 0)
    throw UserError(exit_code::kInternal,
                    fmt::format("building the device tree: {}: {}", what, fdt_strerror(error)));
}

// Writes the tree with libfdt's sequential API, growing the buffer when it runs out.
class TreeWriter {
 public:
  explicit TreeWriter(size_t size) : blob_(size) {
    check(fdt_create(blob_.data(), static_cast<int>(blob_.size())), "create");
    check(fdt_finish_reservemap(blob_.data()), "reserve map");
  }
  void begin(const std::string& name) { check(fdt_begin_node(blob_.data(), name.c_str()), "node"); }
  void end() { check(fdt_end_node(blob_.data()), "end node"); }
  void u32(const char* name, uint32_t v) { check(fdt_property_u32(blob_.data(), name, v), name); }
  void cells(const char* name, const std::vector<uint32_t>& values) {
    std::vector<fdt32_t> be;
    for (uint32_t v : values) be.push_back(cpu_to_fdt32(v));
    check(fdt_property(blob_.data(), name, be.data(), static_cast<int>(4 * be.size())), name);
  }
  // A 2-cell address and 2-cell size pair, as the root and /soc use.
  void reg(uint64_t base, uint64_t size) {
    cells("reg", {static_cast<uint32_t>(base >> 32), static_cast<uint32_t>(base),
                  static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)});
  }
  void u64(const char* name, uint64_t v) { check(fdt_property_u64(blob_.data(), name, v), name); }
  void string(const char* name, const std::string& v) {
    check(fdt_property_string(blob_.data(), name, v.c_str()), name);
  }
  // A string list such as compatible = "a", "b".
  void strings(const char* name, const std::vector<std::string>& values) {
    std::string joined;
    for (const std::string& v : values) joined.append(v).push_back('\0');
    check(fdt_property(blob_.data(), name, joined.data(), static_cast<int>(joined.size())), name);
  }
  void flag(const char* name) { check(fdt_property(blob_.data(), name, nullptr, 0), name); }
  std::vector<uint8_t> finish() {
    check(fdt_finish(blob_.data()), "finish");
    blob_.resize(fdt_totalsize(blob_.data()));
    return blob_;
  }

 private:
  std::vector<uint8_t> blob_;
};

std::string hex(uint64_t v) { return fmt::format("{:x}", v); }

}  // namespace

std::string riscv_isa_string(bool fp) {
  return fp ? "rv64imafdc_zicsr_zifencei" : "rv64imac_zicsr_zifencei";
}

std::vector<uint8_t> build_device_tree(const DeviceTreeConfig& config) {
  // Phandles: each hart's interrupt controller is 1 + hart; the devices follow.
  const uint32_t plic_phandle = config.harts + 1, test_phandle = config.harts + 2;
  auto intc = [](unsigned hart) { return hart + 1; };
  TreeWriter t(4096 + 512 * config.harts + config.bootargs.size());
  t.begin("");
  t.u32("#address-cells", 2);
  t.u32("#size-cells", 2);
  t.string("compatible", "riscv-virtio");
  t.string("model", "unitag,virt");

  t.begin("chosen");
  if (!config.bootargs.empty()) t.string("bootargs", config.bootargs);
  t.string("stdout-path", "/soc/serial@" + hex(Uart::kBase));
  if (config.initrd) {
    t.u64("linux,initrd-start", config.initrd->first);
    t.u64("linux,initrd-end", config.initrd->second);
  }
  t.end();

  t.begin("memory@" + hex(Bus::kRamBase));
  t.string("device_type", "memory");
  t.reg(Bus::kRamBase, config.mem_size);
  t.end();

  t.begin("cpus");
  t.u32("#address-cells", 1);
  t.u32("#size-cells", 0);
  t.u32("timebase-frequency", static_cast<uint32_t>(Machine::kTimebaseHz));
  for (unsigned h = 0; h < config.harts; ++h) {
    t.begin(fmt::format("cpu@{}", h));
    t.string("device_type", "cpu");
    t.u32("reg", h);
    t.string("status", "okay");
    t.string("compatible", "riscv");
    t.string("riscv,isa", riscv_isa_string(config.fp));
    t.string("mmu-type", "riscv,sv39");
    t.begin("interrupt-controller");
    t.u32("#interrupt-cells", 1);
    t.flag("interrupt-controller");
    t.string("compatible", "riscv,cpu-intc");
    t.u32("phandle", intc(h));
    t.end();
    t.end();
  }
  t.end();

  t.begin("soc");
  t.u32("#address-cells", 2);
  t.u32("#size-cells", 2);
  t.string("compatible", "simple-bus");
  t.flag("ranges");

  t.begin("test@" + hex(TestFinisher::kBase));
  t.strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
  t.reg(TestFinisher::kBase, TestFinisher::kSize);
  t.u32("phandle", test_phandle);
  t.end();
  for (auto [name, value] : {std::pair{"poweroff", 0x5555u}, std::pair{"reboot", 0x7777u}}) {
    t.begin(name);
    t.string("compatible", fmt::format("syscon-{}", name));
    t.u32("regmap", test_phandle);
    t.u32("offset", 0);
    t.u32("value", value);
    t.end();
  }

  t.begin("serial@" + hex(Uart::kBase));
  t.string("compatible", "ns16550a");
  t.reg(Uart::kBase, Uart::kSize);
  t.u32("clock-frequency", 3686400);
  t.u32("interrupt-parent", plic_phandle);
  t.u32("interrupts", Plic::kUartSource);
  t.end();

  std::vector<uint32_t> clint_lines, plic_lines;
  for (unsigned h = 0; h < config.harts; ++h) {
    clint_lines.insert(clint_lines.end(), {intc(h), 3, intc(h), 7});  // MSI, MTI
    plic_lines.insert(plic_lines.end(), {intc(h), 11, intc(h), 9});   // contexts M, S
  }
  t.begin("clint@" + hex(Clint::kBase));
  t.strings("compatible", {"sifive,clint0", "riscv,clint0"});
  t.reg(Clint::kBase, Clint::kSize);
  t.cells("interrupts-extended", clint_lines);
  t.end();

  t.begin("plic@" + hex(Plic::kBase));
  t.strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
  t.u32("#address-cells", 0);
  t.u32("#interrupt-cells", 1);
  t.flag("interrupt-controller");
  t.reg(Plic::kBase, Plic::kSize);
  t.u32("riscv,ndev", Plic::kSources - 1);
  t.cells("interrupts-extended", plic_lines);
  t.u32("phandle", plic_phandle);
  t.end();

  t.end();  // soc
  t.end();  // root
  return t.finish();
}

}  // namespace unitag
