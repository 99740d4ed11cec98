#include "tools/unitag/run_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "abi/unitag/bootinfo.h"
#include "machine/boot/device_tree.h"
#include "machine/boot/firmware_boot.h"
#include "machine/errors.h"
#include "machine/machine.h"
#include "tools/unitag/linux_program.h"
#include "tools/unitag/run_extension.h"
#include "tools/unitag/size_parse.h"

namespace unitag {
namespace {

// --translate-after's defaults, plain and with tag checks compiled in: measured on the
// library-OS selftests and compute workloads (docs/jit.md, "Translating hot code only").
constexpr unsigned kDefaultTranslateAfter = 4, kDefaultTranslateAfterTagged = 256;

struct RunOptions {
  std::string image;
  unsigned harts = 1;
  std::string mem = "128M";
  bool deterministic = false;
  uint64_t quantum = 10000;
  uint64_t max_insns = 0;
  double timeout = 0;
  std::string max_output = "1G";
  std::string stats;
  std::string uart_in;
  std::string uart_out;
  std::vector<std::string> guest_args;
  std::vector<std::string> partitions;  // --partition HARTS[:IMAGE][:tagged]
  std::string channel_mem = "4M";
  std::string placement = "critical-only";
  unsigned elastic = 0;
  std::vector<std::string> files;    // --file HOST[=GUEST]: a Linux program's ramfs
  std::vector<std::string> env;      // --env NAME=VALUE: a Linux program's environment
  bool env_clear = false;            // --env-clear: start it from nothing, not unitag's own
  FirmwareBootConfig boot;           // --firmware, --kernel, --initrd, --append
  std::vector<std::string> symbols;  // --symbols ELF: vmlinux and the user programs
  std::string dump_dtb;
  std::string engine = "jit";
  std::optional<unsigned> translate_after;  // both defaults when absent
};

// Extensions outlive the machine: they let go of it before it is destroyed, in reverse order.
struct DetachExtensions {
  std::vector<std::unique_ptr<RunExtension>>& extensions;
  Machine& machine;
  ~DetachExtensions() {
    for (auto e = extensions.rbegin(); e != extensions.rend(); ++e) (*e)->detach(machine);
  }
};

void write_dtb(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  if (!f || !f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size)))
    throw UserError(exit_code::kNoInput, fmt::format("--dump-dtb {}: cannot write", path));
}

// The checks between the image and the firmware-boot flags.
void check_boot_flags(const RunOptions& o) {
  if (!o.image.empty() && !o.boot.firmware.empty())
    throw UserError(exit_code::kUsage,
                    "give either an IMAGE or --firmware FW (with --kernel), not both");
  if (o.boot.firmware.empty() &&
      (!o.boot.kernel.empty() || !o.boot.initrd.empty() || !o.boot.bootargs.empty()))
    throw UserError(exit_code::kUsage,
                    "--kernel, --initrd and --append need --firmware (e.g. --firmware "
                    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf)");
  if (o.image.empty() && o.boot.firmware.empty() && o.dump_dtb.empty())
    throw UserError(exit_code::kUsage,
                    "an image is required: give IMAGE, or --firmware FW to boot firmware");
}

// `--partition HARTS[:IMAGE][:tagged]`, e.g. 0-1:tagged, 2-3:app.elf, 1:app.elf:tagged.
PartitionSpec parse_partition(const std::string& text, unsigned harts) {
  PartitionSpec spec;
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  std::string error;
  if (!parse_hart_set(parts[0], harts, spec.harts, error))
    throw UserError(exit_code::kUsage, fmt::format("--partition {}: {}", text, error));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "tagged")
      spec.tagged = true;
    else if (!parts[i].empty() && spec.image.empty())
      spec.image = parts[i];
    else
      throw UserError(exit_code::kUsage,
                      fmt::format("--partition {}: '{}' is neither an image nor 'tagged'; write "
                                  "HARTS[:IMAGE][:tagged], e.g. 0-1:tagged",
                                  text, parts[i]));
  }
  return spec;
}

uint32_t placement_code(const std::string& name) {
  if (name == "all-tagged") return UNITAG_PLACEMENT_ALL_TAGGED;
  if (name == "none-tagged") return UNITAG_PLACEMENT_NONE_TAGGED;
  return UNITAG_PLACEMENT_CRITICAL_ONLY;
}

const char* reason_name(StopReason r) {
  switch (r) {
    case StopReason::kNone:
      return "none";
    case StopReason::kGuestExit:
      return "guest-exit";
    case StopReason::kGuestFault:
      return "guest-fault";
    case StopReason::kDeadlock:
      return "deadlock";
    case StopReason::kMaxInsns:
      return "max-insns";
    case StopReason::kTimeout:
      return "timeout";
    case StopReason::kTagViolation:
      return "tag-violation";
    case StopReason::kHostError:
      return "host-error";
    case StopReason::kDebugger:
      return "debugger";
    case StopReason::kPartitionViolation:
      return "partition-violation";
    case StopReason::kOutputLimit:
      return "output-limit";
  }
  return "?";
}

int report(Machine& machine, const RunOptions& o, const RunResult& result,
           std::vector<std::unique_ptr<RunExtension>>& extensions);

nlohmann::json stats_json(Machine& m, const RunOptions& o, const RunResult& r) {
  nlohmann::json j;
  j["image"] = o.image.empty() ? o.boot.firmware : o.image;
  j["harts"] = m.hart_count();
  j["mode"] = o.deterministic ? "deterministic" : "parallel";
  j["stop_reason"] = reason_name(r.reason);
  j["exit_code"] = r.exit_code;
  if (!r.message.empty()) j["message"] = r.message;
  j["wall_seconds"] = r.wall_seconds;
  uint64_t total = 0;
  nlohmann::json harts = nlohmann::json::array();
  for (unsigned i = 0; i < m.hart_count(); ++i) {
    Hart& h = m.hart(i);
    total += h.instret;
    nlohmann::json hj;
    hj["hart"] = i;
    hj["instructions"] = h.instret;
    hj["cycles"] = h.instret + h.extra_cycles;
    hj["host_seconds"] = h.stats.host_seconds;
    hj["cpu_seconds"] = h.stats.cpu_seconds;
    // MIPS over the hart's host CPU time; mips_wall over its wall time (lower on a busy host).
    hj["mips"] = h.stats.cpu_seconds > 0 ? h.instret / h.stats.cpu_seconds / 1e6 : 0.0;
    hj["mips_wall"] = h.stats.host_seconds > 0 ? h.instret / h.stats.host_seconds / 1e6 : 0.0;
    nlohmann::json traps = nlohmann::json::object(), irqs = nlohmann::json::object();
    uint64_t trap_total = 0;
    for (unsigned c = 0; c < 16; ++c) {
      if (h.stats.traps[c]) traps[cause_name(c)] = h.stats.traps[c];
      if (h.stats.interrupts[c]) irqs[cause_name(Cause::kInterrupt | c)] = h.stats.interrupts[c];
      trap_total += h.stats.traps[c] + h.stats.interrupts[c];
    }
    hj["traps"] = trap_total;
    hj["traps_by_cause"] = traps;
    hj["interrupts_by_cause"] = irqs;
    hj["decoded_instructions"] = h.stats.decoded;
    hj["code_invalidations"] = h.stats.code_invalidations;
    hj["decode_evictions"] = h.stats.decode_evictions;
    // Hooks (the debugger, traces) keep a hart in the interpreter; a lone tag engine does not.
    const bool hooks_translate = h.hooks() == nullptr || h.hooks()->runs_translated();
    hj["engine"] = h.translating() && hooks_translate ? "jit" : "interp";
    if (h.translating()) {
      hj["translated_blocks"] = h.stats.translated_blocks;
      hj["translation_flushes"] = h.stats.translation_flushes;
      if (h.stats.tag_revalidations != 0) {
        hj["tag_revalidations"] = h.stats.tag_revalidations;
        hj["tag_respecialisations"] = h.stats.tag_respecialisations;
      }
      hj["translation_seconds"] = h.stats.translation_seconds;
    }
    harts.push_back(hj);
  }
  j["instructions"] = total;
  j["mips"] = r.wall_seconds > 0 ? total / r.wall_seconds / 1e6 : 0.0;
  j["per_hart"] = harts;
  // Per partition: how busy its harts were (executing, not waiting in wfi) over the run.
  const PartitionLayout& layout = m.partitions();
  if (layout.count()) {
    nlohmann::json parts = nlohmann::json::array();
    for (size_t p = 0; p < layout.count(); ++p) {
      nlohmann::json pj;
      uint64_t insns = 0, cycles = 0;
      double busy = 0;
      unsigned n = 0;
      for (unsigned i = 0; i < m.hart_count(); ++i) {
        if (!(m.partition_ever_harts(p) >> i & 1)) continue;
        Hart& h = m.hart(i);
        insns += h.instret;
        cycles += h.instret + h.extra_cycles;
        busy += h.stats.host_seconds;
        ++n;
      }
      pj["partition"] = p;
      const uint64_t harts = m.partition_ever_harts(p);
      pj["harts"] = format_hart_set(harts);
      pj["started_at_run_time"] = layout.harts(p) == 0 && harts != 0;
      pj["running_at_end"] = m.partition_harts(p) != 0;
      pj["tagged"] = harts && (harts & m.config().tagged_harts) == harts;
      pj["image"] = m.partition_image(p)->path();
      pj["instructions"] = insns;
      pj["cycles"] = cycles;
      pj["private_ram_bytes"] = layout.window(p).size;
      pj["utilisation"] =
          r.wall_seconds > 0 && n ? std::min(1.0, busy / (r.wall_seconds * n)) : 0.0;
      parts.push_back(pj);
    }
    j["partitions"] = parts;
    j["channel_mem_bytes"] = layout.window(0).channel_size;
  }
  return j;
}

// --symbols: the kernel's vmlinux (linked in the upper half) and user programs (below it).
BootImages sort_boot_symbols(const std::vector<ElfImage>& images, const ElfImage* firmware) {
  BootImages boot;
  boot.firmware = firmware;
  boot.kernel_load = FirmwareBootLayout::kKernelAddress;
  for (const ElfImage& image : images) {
    const bool upper_half = !image.segments().empty() && image.segments().front().vaddr >> 63;
    if (!upper_half) {
      boot.programs.push_back(&image);
      continue;
    }
    if (boot.kernel != nullptr)
      throw UserError(exit_code::kUsage,
                      fmt::format("--symbols {} and {}: both are kernels; give one vmlinux",
                                  boot.kernel->path(), image.path()));
    boot.kernel = &image;
  }
  return boot;
}

// OpenSBI (or other firmware) with a kernel, as QEMU's -bios/-kernel. Tag policies need the
// kernel's ELF (--symbols vmlinux) and take user programs' ELFs (--symbols PROGRAM); the
// extensions that need a loaded image (gdb, traces, semihosting) do not attach to this path.
int run_firmware(const RunOptions& o, const MachineConfig& cfg,
                 std::vector<std::unique_ptr<RunExtension>>& extensions) {
  if (!cfg.partitions.empty())
    throw UserError(exit_code::kUsage, "--firmware boots run unpartitioned; drop --partition");
  if (!o.symbols.empty() && !cfg.policies)
    throw UserError(exit_code::kUsage,
                    "--symbols names the code a firmware boot runs for the tag policies; add "
                    "--policy (e.g. --policy rwx,stack,cfi)");
  std::vector<ElfImage> symbol_images;
  for (const std::string& path : o.symbols) symbol_images.push_back(ElfImage::load(path));
  Machine machine(cfg);
  DetachExtensions detach_guard{extensions, machine};
  std::unique_ptr<ElfImage> symbols;
  const FirmwareBootLayout layout = boot_firmware(machine, o.boot, symbols);
  const BootImages boot = sort_boot_symbols(symbol_images, symbols.get());
  for (auto& e : extensions) e->attach_boot(machine, boot);
  if (!o.dump_dtb.empty())
    write_dtb(o.dump_dtb, machine.bus().ram() + (layout.fdt_address - Bus::kRamBase),
              layout.fdt_size);
  return report(machine, o, machine.run(), extensions);
}

int run(const RunOptions& o, std::vector<std::unique_ptr<RunExtension>>& extensions) {
  check_boot_flags(o);
  const auto mem = parse_size(o.mem);
  if (!mem || *mem < (1u << 20) || *mem > (16ull << 30) || (*mem & 4095))
    throw UserError(
        exit_code::kUsage,
        fmt::format("--mem {}: give a size from 1M to 16G, a multiple of 4K (e.g. 128M)", o.mem));
  MachineConfig cfg;
  cfg.harts = o.harts;
  cfg.mem_size = *mem;
  cfg.deterministic = o.deterministic;
  cfg.quantum = o.quantum;
  cfg.max_insns = o.max_insns;
  cfg.translate = o.engine == "jit";
  cfg.translate_after = o.translate_after.value_or(kDefaultTranslateAfter);
  cfg.translate_after_tagged = o.translate_after.value_or(kDefaultTranslateAfterTagged);
  cfg.timeout_seconds = o.timeout;
  const auto max_output = parse_size(o.max_output);
  if (!max_output)
    throw UserError(
        exit_code::kUsage,
        fmt::format("--max-output {}: give a size such as 64M or 1G (0 = no limit)", o.max_output));
  cfg.max_output = *max_output;
  // A Linux program's arguments travel with it (linux_program.h), not in the boot info.
  const bool firmware_boot = !o.boot.firmware.empty();
  if (o.image.empty() && !firmware_boot) {  // only --dump-dtb: the tree of the configured machine
    const std::vector<uint8_t> tree = build_device_tree({o.harts, *mem, true, "", std::nullopt});
    write_dtb(o.dump_dtb, tree.data(), tree.size());
    return 0;
  }
  const std::optional<LinuxProgram> linux_program =
      firmware_boot ? std::nullopt : detect_linux_program(o.image);
  if ((!o.env.empty() || o.env_clear) && !linux_program)
    throw UserError(exit_code::kUsage,
                    "--env and --env-clear are for Linux programs; a library-OS app gets its "
                    "arguments after --");
  if (!o.files.empty() && !linux_program)
    throw UserError(exit_code::kUsage,
                    "--file is for Linux programs; a library-OS app gets its files at build time "
                    "(unitag_add_app FILES)");
  if (!linux_program) cfg.guest_args = o.guest_args;
  for (const std::string& text : o.partitions)
    cfg.partitions.push_back(parse_partition(text, o.harts));
  const auto channel = parse_size(o.channel_mem);
  if (!channel)
    throw UserError(exit_code::kUsage,
                    fmt::format("--channel-mem {}: give a size such as 4M", o.channel_mem));
  cfg.channel_mem = *channel;
  cfg.placement = placement_code(o.placement);
  cfg.elastic = o.elastic;
  if (cfg.elastic && cfg.partitions.empty())
    throw UserError(exit_code::kUsage,
                    "--elastic needs partitions; e.g. --harts 4 --partition 0 --elastic 2");

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file(nullptr, &std::fclose);
  if (!o.uart_out.empty()) {
    out_file.reset(std::fopen(o.uart_out.c_str(), "wb"));
    if (!out_file)
      throw UserError(exit_code::kNoInput,
                      fmt::format("--uart-out {}: cannot open for writing", o.uart_out));
    cfg.uart_out = out_file.get();
  }
  int in_fd = 0;
  if (!o.uart_in.empty()) {
    in_fd = ::open(o.uart_in.c_str(), O_RDONLY);
    if (in_fd < 0)
      throw UserError(exit_code::kNoInput,
                      fmt::format("--uart-in {}: cannot open for reading", o.uart_in));
  }
  cfg.uart_in_fd = in_fd;
  for (auto& e : extensions) e->configure(cfg);
  if (firmware_boot) {
    const int code = run_firmware(o, cfg, extensions);
    if (in_fd > 0) ::close(in_fd);
    return code;
  }

  const ElfImage image = ElfImage::load(linux_program ? linux_personality_image() : o.image);
  std::vector<std::unique_ptr<ElfImage>> own_images;
  std::vector<const ElfImage*> own;
  for (const PartitionSpec& spec : cfg.partitions) {
    own.push_back(nullptr);
    if (spec.image.empty()) continue;
    own_images.push_back(std::make_unique<ElfImage>(ElfImage::load(spec.image)));
    own.back() = own_images.back().get();
  }
  Machine machine(cfg);
  DetachExtensions detach_guard{extensions, machine};
  machine.load(image, own);
  if (!o.dump_dtb.empty()) {
    const std::vector<uint8_t> tree =
        build_device_tree({cfg.harts, cfg.mem_size, cfg.fp, "", std::nullopt});
    write_dtb(o.dump_dtb, tree.data(), tree.size());
  }
  if (linux_program)
    place_linux_program(machine, image, *linux_program, o.guest_args, o.files,
                        linux_environment(o.env_clear, o.env));
  // The program's own symbols and code, for the tag policies (its words are tagged as the
  // personality maps them).
  std::optional<ElfImage> program;
  if (linux_program) program = ElfImage::load(o.image);
  for (auto& e : extensions) e->attach(machine, image, program ? &*program : nullptr);
  std::optional<RunResult> driven;
  for (auto& e : extensions)
    if (!driven) driven = e->run(machine);
  const RunResult result = driven ? *driven : machine.run();
  const int code = report(machine, o, result, extensions);
  if (in_fd > 0) ::close(in_fd);
  return code;
}

// After the run: extensions' summaries, the stop message and --stats.
int report(Machine& machine, const RunOptions& o, const RunResult& result,
           std::vector<std::unique_ptr<RunExtension>>& extensions) {
  std::fflush(stdout);
  nlohmann::json stats = stats_json(machine, o, result);
  for (auto& e : extensions) e->finish(machine, result, stats);

  if (!result.message.empty()) {
    const char* kind = result.reason == StopReason::kGuestExit ? "note" : "stopped";
    std::cerr << fmt::format("unitag: {}: {}\n", kind, result.message);
  }
  if (!o.stats.empty() && !stats.is_null()) {  // null: another process reports (MPI ranks)
    const std::string text = stats.dump(2) + "\n";
    if (o.stats == "-")
      std::cerr << text;
    else {
      std::ofstream f(o.stats);
      if (!f)
        throw UserError(exit_code::kNoInput, fmt::format("--stats {}: cannot write", o.stats));
      f << text;
    }
  }
  return result.exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  auto extensions =
      std::make_shared<std::vector<std::unique_ptr<RunExtension>>>(make_run_extensions());
  CLI::App* cmd = app.add_subcommand("run", "Run a RISC-V ELF image on the unitag machine");
  cmd->add_option("image", opts->image, "ELF64 RISC-V executable (or --firmware)");
  cmd->add_option("--harts", opts->harts, "Number of harts (1-64)")->check(CLI::Range(1, 64));
  cmd->add_option("--mem", opts->mem, "RAM size, e.g. 128M or 1G");
  cmd->add_flag("--deterministic", opts->deterministic,
                "One host thread, round-robin harts: reproducible output and instruction counts");
  cmd->add_option("--quantum", opts->quantum,
                  "Instructions per hart per turn in deterministic mode")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  cmd->add_option("--engine", opts->engine,
                  "jit (default): code translated to x86-64 where the host is x86-64, tagged "
                  "harts with their checks compiled in (the interpreter elsewhere, with gdb, "
                  "traces); interp: the interpreter only")
      ->check(CLI::IsMember({"interp", "jit"}));
  cmd->add_option("--translate-after", opts->translate_after,
                  fmt::format("jit: translate a block once execution has entered it N times; "
                              "until then the interpreter runs it (0: at once; default {}, {} "
                              "for blocks with tag checks)",
                              kDefaultTranslateAfter, kDefaultTranslateAfterTagged))
      ->check(CLI::Range(0u, 1u << 20));
  cmd->add_option("--max-insns", opts->max_insns, "Stop after this many instructions (all harts)");
  cmd->add_option("--timeout", opts->timeout, "Stop after this many seconds of wall time")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            // CLI::NonNegativeNumber's message prints DBL_MAX in full; say what to give instead.
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !(v >= 0))
              return fmt::format("{} is not a number of seconds >= 0 (0 = no limit)", text);
            return {};
          },
          "SECONDS"));
  cmd->add_option("--max-output", opts->max_output,
                  "Stop (exit 118) once the guest's output (UART, semihosting console and "
                  "files) passes SIZE (default 1G; 0 = no limit)");
  cmd->add_option("--stats", opts->stats, "Write run statistics as JSON to FILE (- for stderr)");
  cmd->add_option("--uart-in", opts->uart_in, "UART input from FILE instead of stdin");
  cmd->add_option("--uart-out", opts->uart_out, "UART output to FILE instead of stdout");
  cmd->add_option("--partition", opts->partitions,
                  "Multikernel: HARTS[:IMAGE][:tagged], once per partition (e.g. --partition "
                  "0-1 --partition 2-3:tagged); each boots its own kernel in its own memory")
      ->allow_extra_args(false);
  cmd->add_option("--channel-mem", opts->channel_mem,
                  "Memory shared by the partitions for channels (default 4M)");
  cmd->add_option("--placement", opts->placement,
                  "Where the offload scheduler puts work: critical-only (default), all-tagged, "
                  "none-tagged")
      ->check(CLI::IsMember({"critical-only", "all-tagged", "none-tagged"}));
  cmd->add_option("--elastic", opts->elastic,
                  "Reserve N more partition slots: the guest may start partitions on idle harts "
                  "(harts in no --partition) while it runs, and stop them")
      ->check(CLI::Range(0u, 15u));
  cmd->add_option("--file", opts->files,
                  "Linux programs: HOST[=GUEST] puts a host file into the ramfs (default "
                  "/basename), read-only; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--env", opts->env,
                  "Linux programs: NAME=VALUE in the environment (replaces unitag's own value of "
                  "NAME); repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--env-clear", opts->env_clear,
                "Linux programs: an environment of the --env variables only (default: unitag's "
                "own environment, as qemu-riscv64 passes its own)");
  cmd->add_option("--firmware", opts->boot.firmware,
                  "Boot firmware FW (ELF or raw, e.g. Debian's OpenSBI fw_jump.elf) instead of an "
                  "IMAGE; harts start in it with a0 = hartid, a1 = the device tree");
  cmd->add_option("--kernel", opts->boot.kernel,
                  "With --firmware: the next stage (raw at 0x80200000, or an ELF)");
  cmd->add_option("--initrd", opts->boot.initrd, "With --firmware: an initrd for the kernel");
  cmd->add_option("--append", opts->boot.bootargs,
                  "With --firmware: the kernel command line (/chosen/bootargs)");
  cmd->add_option("--symbols", opts->symbols,
                  "With --firmware and --policy: an ELF whose code the boot runs, repeatable: the "
                  "kernel's vmlinux (required) and each user program (static, unmodified)");
  cmd->add_option("--dump-dtb", opts->dump_dtb,
                  "Write the machine's device tree blob to FILE (with no IMAGE: only that)");
  cmd->add_option("guest_args", opts->guest_args, "Arguments for the guest, after --");
  for (auto& e : *extensions) e->add_options(*cmd);
  // The image is optional (--firmware boots without one), so a repeatable option must not
  // swallow it: each takes one value per flag (`--trace-symbol a --trace-symbol b IMAGE`).
  for (CLI::Option* option : cmd->get_options())
    if (option->nonpositional() && option->get_items_expected_max() > 1)
      option->allow_extra_args(false);
  cmd->callback([opts, extensions, exit_code] { *exit_code = run(*opts, *extensions); });
}

}  // namespace unitag
