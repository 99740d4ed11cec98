// `monolithic`: research question 1, what a unikernel buys over a monolithic OS on the same
// (tagged) machine. The same static Linux binaries run on the library OS (`unitag run PROGRAM`,
// the Linux personality) and as processes of Linux 6.1 under OpenSBI (`unitag run --firmware`,
// scripts/build-linux's kernel; its /init runs the program named after `--` on the command line).
// Per workload: guest instructions and host CPU time beyond the do-nothing program `true` on the
// same system (start-up and exit are in the baseline), system calls (ecalls from U-mode), and
// whether both printed the same; the baselines themselves are the boot cost. Then each run once
// more under the tag policies (kTagged) on both systems, whole runs from reset: the tags and
// rules each system needs for the same program, and their modeled and host cost. Linux needs the
// cached kernel build: without it the suite says so and measures nothing.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <string>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

constexpr const char* kFirmware = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf";
constexpr const char* kBaseline = "true";

struct Workload {
  std::string program;             // tests/linux/bin/NAME, /bin/NAME on Linux
  std::vector<std::string> files;  // tests/linux/data files the program reads, /bin/FILE
  std::vector<std::string> args;
  bool quick;  // measured by --quick too
};
const std::vector<Workload> kWorkloads = {
    {kBaseline, {}, {}, true},
    {"hello", {}, {"two words", "x"}, true},
    {"syscalls", {"numbers.txt"}, {"/bin/numbers.txt"}, true},
    {"sort", {}, {}, true},
    {"containers", {}, {}, false},
};
const std::vector<std::string> kSystems = {"library OS", "Linux"};
// The composite both systems run whole (docs/linux.md#tags-on-linux).
constexpr const char* kTagged = "rwx,heap,stack,cfi";

uint64_t user_ecalls(const GuestRun& r) {
  uint64_t n = 0;
  if (r.stats.contains("per_hart"))
    for (const auto& h : r.stats["per_hart"])
      n += h.value("traps_by_cause", nlohmann::json::object())
               .value("environment call from U-mode", uint64_t{0});
  return n;
}

uint64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// What the program printed: on Linux, the console lines between /init's CPU count and its
// report of the program's exit (the kernel boots with `quiet`).
std::string program_output(const GuestRun& r, bool on_linux, const std::string& program,
                           int& status) {
  if (!on_linux) {
    status = r.process.exit_code;
    return r.process.out;
  }
  std::string out = r.process.out;  // the tty ends lines with \r\n
  std::erase(out, '\r');
  const std::string exited = fmt::format("init: /bin/{} exited with status ", program);
  const size_t start = out.find("CPUs online\n"), end = out.find(exited);
  if (start == std::string::npos || end == std::string::npos || end < start)
    throw std::runtime_error(fmt::format("Linux did not run /bin/{} to the end; its console:\n{}",
                                         program,
                                         out.substr(out.size() > 1500 ? out.size() - 1500 : 0)));
  status = std::atoi(out.c_str() + end + exited.size());
  const size_t from = start + std::string("CPUs online\n").size();
  return out.substr(from, end - from);
}

class MonolithicSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    repeat_ = ctx.quick ? 1 : 3;
    bin_ = ctx.build_dir + "/tests/linux/bin/";
    data_ = ctx.source_dir + "/tests/linux/data/";
    std::vector<std::string> cpio_args = {ctx.source_dir + "/scripts/build-linux", "--initramfs",
                                          ctx.scratch_dir + "/monolithic.cpio"};
    for (const Workload& w : workloads(ctx)) {
      cpio_args.push_back(bin_ + w.program);
      for (const std::string& f : w.files) cpio_args.push_back(data_ + f);
    }
    const ProcessResult built = run_process(cpio_args, ctx.scratch_dir, 120);
    if (built.exit_code == 77) {
      skipped_ =
          "no cached Linux kernel: run scripts/build-linux once (about 9 minutes on 2 "
          "cores), then this suite";
      return {};
    }
    if (built.exit_code != 0)
      throw std::runtime_error(
          fmt::format("`{}` exited {}: {}", ctx.shown(cpio_args), built.exit_code, built.err));
    const size_t newline = built.out.find('\n');
    kernel_ = built.out.substr(0, newline);
    initramfs_ = ctx.scratch_dir + "/monolithic.cpio";
    // The ELF files the tagged Linux runs need: vmlinux beside the Image, and /init's.
    const ProcessResult cached =
        run_process({ctx.source_dir + "/scripts/build-linux", "--cached"}, ctx.scratch_dir, 60);
    const std::string init_cpio = cached.out.substr(cached.out.find('\n') + 1);
    vmlinux_ = std::filesystem::path(kernel_).parent_path() / "build" / "vmlinux";
    init_ = std::filesystem::path(init_cpio.substr(0, init_cpio.find('\n'))).parent_path() / "init";
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat_; ++rep)
      for (const Workload& w : workloads(ctx))
        for (const std::string& system : kSystems)
          steps.push_back({fmt::format("{} on {} (run {}/{})", w.program, system, rep, repeat_),
                           [this, &ctx, w, system] { measure(ctx, w, system, false); }});
    for (const Workload& w : workloads(ctx))
      for (const std::string& system : kSystems)
        steps.push_back({fmt::format("{} on {} under {}", w.program, system, kTagged),
                         [this, &ctx, w, system] { measure(ctx, w, system, true); }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    if (!skipped_.empty()) {
      o.skipped = skipped_;
      o.markdown = "Skipped: " + skipped_ + ".\n";
      return o;
    }
    const Measured& lib_base = runs_[key(kBaseline, kSystems[0])];
    const Measured& linux_base = runs_[key(kBaseline, kSystems[1])];
    std::vector<std::vector<std::string>> cells, tag_cells;
    for (const Workload& w : workloads(ctx)) {
      const Measured& lib = runs_[key(w.program, kSystems[0])];
      const Measured& lin = runs_[key(w.program, kSystems[1])];
      const bool baseline = w.program == kBaseline;
      const auto net = [&](uint64_t (*of)(const GuestRun&), const Measured& m,
                           const Measured& base) {
        return baseline ? of(m.run) : of(m.run) - of(base.run);
      };
      const auto instructions = [](const GuestRun& r) { return r.instructions(); };
      const uint64_t lib_insns = net(instructions, lib, lib_base);
      const uint64_t linux_insns = net(instructions, lin, linux_base);
      const uint64_t lib_calls = net(user_ecalls, lib, lib_base);
      const uint64_t linux_calls = net(user_ecalls, lin, linux_base);
      const double lib_ms = 1000 * (baseline ? lib.cpu : lib.cpu - lib_base.cpu);
      const double linux_ms = 1000 * (baseline ? lin.cpu : lin.cpu - linux_base.cpu);
      const bool same = lib.output == lin.output && lib.status == lin.status;
      const double ratio = lib_insns ? static_cast<double>(linux_insns) / lib_insns : 0.0;
      const nlohmann::json lib_tags = lib.tagged.stats.value("tags", nlohmann::json::object());
      const nlohmann::json linux_tags = lin.tagged.stats.value("tags", nlohmann::json::object());
      const auto tag_figure = [](const nlohmann::json& t, const char* name) {
        return t.value(name, uint64_t{0});
      };
      const auto canonical = [](const nlohmann::json& t) {
        return t.value("canonical_rules", nlohmann::json::object()).value("rules", uint64_t{0});
      };
      const double lib_slowdown = lib.cpu > 0 ? lib.tagged_cpu / lib.cpu : 0.0;
      const double linux_slowdown = lin.cpu > 0 ? lin.tagged_cpu / lin.cpu : 0.0;
      tag_cells.push_back({baseline ? "`true` (boot, start, exit)" : w.program,
                           grouped(tag_figure(lib_tags, "distinct_tags")),
                           grouped(tag_figure(linux_tags, "distinct_tags")),
                           grouped(tag_figure(lib_tags, "distinct_rules")),
                           grouped(tag_figure(linux_tags, "distinct_rules")),
                           grouped(canonical(lib_tags)), grouped(canonical(linux_tags)),
                           fixed(100 * lib_tags.value("modeled_overhead", 0.0), 3) + " %",
                           fixed(100 * linux_tags.value("modeled_overhead", 0.0), 3) + " %",
                           fixed(lib_slowdown, 2) + "x", fixed(linux_slowdown, 2) + "x"});
      o.rows.push_back({{"workload", w.program},
                        {"tagged_policies", kTagged},
                        {"libos_tagged", lib_tags},
                        {"linux_tagged", linux_tags},
                        {"libos_tagged_over_untagged_cpu", lib_slowdown},
                        {"linux_tagged_over_untagged_cpu", linux_slowdown},
                        {"libos_tagged_command", ctx.shown(lib.tagged.argv)},
                        {"linux_tagged_command", ctx.shown(lin.tagged.argv)},
                        {"baseline", baseline},
                        {"libos_instructions", lib_insns},
                        {"linux_instructions", linux_insns},
                        {"linux_over_libos", ratio},
                        {"libos_cpu_ms", lib_ms},
                        {"linux_cpu_ms", linux_ms},
                        {"libos_syscalls", lib_calls},
                        {"linux_syscalls", linux_calls},
                        {"same_output", same},
                        {"exit_status", lib.status},
                        {"libos_command", ctx.shown(lib.run.argv)},
                        {"linux_command", ctx.shown(lin.run.argv)}});
      cells.push_back({baseline ? "`true` (boot, start, exit)" : w.program, grouped(lib_insns),
                       grouped(linux_insns), fixed(ratio, 2) + "x", fixed(lib_ms, 1),
                       fixed(linux_ms, 1), grouped(lib_calls), grouped(linux_calls),
                       same ? "same" : "DIFFERS"});
    }
    const uint64_t personality = file_size(ctx.build_dir + "/guest/linux_abi.elf");
    o.markdown = fmt::format(
        "The same static glibc binaries (tests/linux/programs, riscv64-linux-gnu-gcc-12 -static) "
        "on the library OS (Linux personality, `{}`) and as processes of Linux 6.1 under OpenSBI "
        "(`{}`), one hart, untagged, deterministic (virtual time: the timer interrupts, so the "
        "instruction counts, are the same on every run). A workload's figures are its run minus "
        "the `true` run on the "
        "same system (start-up and exit are in that baseline; the first row is the baseline "
        "itself: reset to power-off). *insns*: guest instructions; *host ms*: host CPU time of "
        "the harts, least of {} round(s), noisy below ~20 ms; *syscalls*: ecalls from U-mode "
        "(on Linux, clock reads go through the vDSO: no ecall). Images: library OS {} KiB "
        "(guest/linux_abi.elf, with the program loaded beside it), Linux {} KiB (Image) + "
        "{} KiB (this initramfs, all programs).\n\n",
        ctx.shown(runs_[key("syscalls", kSystems[0])].run.argv),
        ctx.shown(runs_[key("syscalls", kSystems[1])].run.argv), repeat_, personality / 1024,
        file_size(kernel_) / 1024, file_size(initramfs_) / 1024);
    o.markdown +=
        markdown_table({"workload", "libOS insns", "Linux insns", "Linux/libOS", "libOS host ms",
                        "Linux host ms", "libOS syscalls", "Linux syscalls", "output"},
                       cells);
    o.markdown += fmt::format(
        "\nThe same runs under `{}` on every hart, whole runs from reset to exit (boot "
        "included: these are what each system needs to run the program), once each: `{}` "
        "and `{}`. *tags*, *rules*: distinct tags and concrete rules; *canonical*: the rules "
        "the modeled cache holds (identities compared); *modeled*: overhead of the modeled "
        "1024-entry rule cache; *host*: tagged over untagged host CPU time of the same "
        "system (single runs).\n\n",
        kTagged, ctx.shown(runs_[key("syscalls", kSystems[0])].tagged.argv),
        ctx.shown(runs_[key("syscalls", kSystems[1])].tagged.argv));
    o.markdown += markdown_table(
        {"workload", "libOS tags", "Linux tags", "libOS rules", "Linux rules", "libOS canonical",
         "Linux canonical", "libOS modeled", "Linux modeled", "libOS host", "Linux host"},
        tag_cells);
    return o;
  }

 private:
  struct Measured {
    double cpu = 0, tagged_cpu = 0;
    GuestRun run, tagged;  // untagged (least CPU of the rounds) and under kTagged
    std::string output;
    int status = -1;
  };

  static std::vector<Workload> workloads(const BenchContext& ctx) {
    std::vector<Workload> out;
    for (const Workload& w : kWorkloads)
      if (w.quick || !ctx.quick) out.push_back(w);
    return out;
  }
  static std::string key(const std::string& program, const std::string& system) {
    return program + "|" + system;
  }

  void measure(const BenchContext& ctx, const Workload& w, const std::string& system, bool tagged) {
    const bool on_linux = system == kSystems[1];
    GuestRun r;
    std::vector<std::string> policy;
    if (tagged) policy = {"--policy", kTagged};
    if (on_linux) {
      std::string append = "console=ttyS0 quiet -- /bin/" + w.program;
      for (const std::string& a : w.args)
        append += " " + (a.find(' ') == std::string::npos ? a : "\"" + a + "\"");
      std::vector<std::string> args = {"--deterministic", "--firmware", kFirmware,
                                       "--kernel",        kernel_,      "--initrd",
                                       initramfs_,        "--append",   append};
      if (tagged)
        policy.insert(policy.end(),
                      {"--symbols", vmlinux_, "--symbols", init_, "--symbols", bin_ + w.program});
      args.insert(args.end(), policy.begin(), policy.end());
      r = run_unitag(ctx, args);
    } else {
      // The environment /init gives the program on Linux.
      std::vector<std::string> args = {"--deterministic", "--env-clear", "--env", "PATH=/bin"};
      args.insert(args.end(), policy.begin(), policy.end());
      args.push_back(bin_ + w.program);
      for (const std::string& f : w.files)
        args.insert(args.end(), {"--file", data_ + f + "=/bin/" + f});
      r = run_unitag(ctx, args, w.args);
    }
    r = require_exit_0(ctx, std::move(r));  // every workload exits 0, and so does Linux
    Measured& m = runs_[key(w.program, system)];
    if (tagged) {  // the policies may not change what the program does
      int status = -1;
      if (program_output(r, on_linux, w.program, status) != m.output || status != m.status)
        throw std::runtime_error(fmt::format("`{}` printed other output under {} than without",
                                             ctx.shown(r.argv), kTagged));
      m.tagged_cpu = r.guest_cpu_seconds();
      m.tagged = std::move(r);
      return;
    }
    keep_min(m.cpu, r.guest_cpu_seconds());
    m.output = program_output(r, on_linux, w.program, m.status);
    m.run = std::move(r);
  }

  int repeat_ = 1;
  std::string bin_, data_, kernel_, initramfs_, skipped_, vmlinux_, init_;
  std::map<std::string, Measured> runs_;
};

}  // namespace

std::unique_ptr<Suite> make_monolithic_suite() { return std::make_unique<MonolithicSuite>(); }

}  // namespace unitag::bench
