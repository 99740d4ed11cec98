// `parallel` (the Mandelbrot on 1..N harts: throughput speedup; the library OS's boot on N
// harts) and `kernel` (the library OS's own costs: boot to main, thread start and switch, image
// sizes). Boot and switch figures are the guest's own minstret/mcycle readings (apps/boottime).
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <thread>

#include "machine/loader/elf.h"
#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

class ParallelSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    harts_ = ctx.quick ? std::vector<unsigned>{1, 2} : std::vector<unsigned>{1, 2, 3, 4};
    const int repeat = ctx.quick ? 1 : 3;
    std::vector<Step> steps;
    for (int rep = 1; rep <= repeat; ++rep)
      for (unsigned n : harts_)
        steps.push_back(
            {fmt::format("bench_mandel_harts --harts {} (run {}/{})", n, rep, repeat),
             [this, &ctx, n] {
               GuestRun r = run_guest_ok(ctx, "bench_mandel_harts", {"--harts", std::to_string(n)});
               const double wall = r.stats.value("wall_seconds", 0.0);
               Best& b = mandel_[n];
               if (b.wall == 0 || wall < b.wall) b = {wall, std::move(r)};
             }});
    for (unsigned n : harts_)
      steps.push_back({fmt::format("boottime --harts {}", n), [this, &ctx, n] {
                         boot_[n] = run_guest_ok(ctx, "boottime",
                                                 {"--deterministic", "--harts", std::to_string(n)});
                       }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    const Best& one = mandel_[1];
    std::vector<std::vector<std::string>> cells;
    nlohmann::json xs = nlohmann::json::array(), speedups = nlohmann::json::array();
    for (unsigned n : harts_) {
      const Best& b = mandel_[n];
      // Every hart computes the same Mandelbrot: n harts do n times the 1-hart work.
      const double speedup = n * one.wall / b.wall;
      const uint64_t boot = boot_[n].number_after("boot: ");
      // CPU over wall: how many host CPUs the harts actually got (below n: the host was busy).
      const double cpu = b.run.guest_cpu_seconds(), cpus_used = cpu / b.wall;
      o.rows.push_back({{"kind", "mandel_harts"},
                        {"harts", n},
                        {"instructions", b.run.instructions()},
                        {"wall_seconds", b.wall},
                        {"speedup", speedup},
                        {"cpu_seconds", cpu},
                        {"host_cpus_used", cpus_used},
                        {"command", ctx.shown(b.run.argv)}});
      o.rows.push_back({{"kind", "libos_boot"},
                        {"harts", n},
                        {"boot_instructions", boot},
                        {"command", ctx.shown(boot_[n].argv)}});
      cells.push_back({std::to_string(n), grouped(b.run.instructions()), fixed(b.wall, 3),
                       fixed(cpu, 3), fixed(cpus_used, 2), fixed(speedup, 2) + "x", grouped(boot)});
      xs.push_back(n);
      speedups.push_back(speedup);
    }
    o.markdown = fmt::format(
        "`bench_mandel_harts`: every hart computes the same integer Mandelbrot (parallel mode, a "
        "host thread per hart; best wall time of the rounds); speedup = n x 1-hart time / n-hart "
        "time; *host CPUs used* = the harts' CPU time over wall time: below the hart count, the "
        "harts waited for a host CPU (this host has {} CPU(s), shared with other work). Hart 0 "
        "spins until the others finish, so instructions exceed n x the 1-hart count. Boot: "
        "instructions hart 0 "
        "retires from reset to `main` in the library OS (`apps/boottime`, deterministic). "
        "Commands: `{}`, `{}`.\n\n",
        std::thread::hardware_concurrency(), ctx.shown(mandel_[harts_.back()].run.argv),
        ctx.shown(boot_[harts_.back()].argv));
    o.markdown += markdown_table({"harts", "instructions", "wall s", "CPU s (all harts)",
                                  "host CPUs used", "speedup", "library OS boot instructions"},
                                 cells);
    o.markdown += "\n![speedup](parallel_speedup.png)\n";
    o.plots.push_back({{"file", "parallel_speedup.png"},
                       {"kind", "line"},
                       {"title", "bench_mandel_harts: throughput speedup over 1 hart"},
                       {"xlabel", "harts"},
                       {"ylabel", "speedup"},
                       {"series",
                        {{{"label", "measured"}, {"x", xs}, {"y", speedups}},
                         {{"label", "ideal"}, {"x", xs}, {"y", xs}}}}});
    return o;
  }

 private:
  struct Best {
    double wall = 0;
    GuestRun run;
  };
  std::vector<unsigned> harts_;
  std::map<unsigned, Best> mandel_;
  std::map<unsigned, GuestRun> boot_;
};

struct BootConfig {
  std::string name;
  std::vector<std::string> flags;
};

const std::vector<BootConfig> kBootConfigs = {
    {"1 hart", {"--deterministic"}},
    {"4 harts", {"--deterministic", "--harts", "4"}},
    {"1 hart, all five policies", {"--deterministic", "--policy", "rwx,heap,stack,cfi,frame"}},
};
const std::vector<std::string> kApps = {"hello", "threads", "cat", "boottime"};

class KernelSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    std::vector<Step> steps;
    for (const BootConfig& c : kBootConfigs)
      steps.push_back({"boottime, " + c.name, [this, &ctx, &c] {
                         boot_[c.name] = run_guest_ok(ctx, "boottime", c.flags);
                       }});
    steps.push_back({"hello, reset to exit",
                     [this, &ctx] { hello_ = run_guest_ok(ctx, "hello", {"--deterministic"}); }});
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    for (const BootConfig& c : kBootConfigs) {
      const GuestRun& r = boot_[c.name];
      const std::string cycles = r.output_line("cycles: ");
      unsigned long long boot_cycles = 0, start_cycles = 0, switch_cycles = 0;
      std::sscanf(cycles.c_str(), "cycles: boot %llu, thread start %llu, switch %llu", &boot_cycles,
                  &start_cycles, &switch_cycles);
      const uint64_t boot = r.number_after("boot: "), start = r.number_after("thread start: "),
                     sw = r.number_after("switch: "), image = r.number_after("image: ");
      o.rows.push_back({{"kind", "boottime"},
                        {"config", c.name},
                        {"boot_instructions", boot},
                        {"boot_cycles", boot_cycles},
                        {"thread_start_instructions", start},
                        {"thread_switch_instructions", sw},
                        {"thread_switch_cycles", switch_cycles},
                        {"image_ram_bytes", image},
                        {"command", ctx.shown(r.argv)}});
      cells.push_back({c.name, grouped(boot), grouped(boot_cycles), grouped(start), grouped(sw),
                       grouped(switch_cycles), grouped(image)});
    }
    o.markdown =
        "Library OS costs read by `apps/boottime` from `minstret`/`mcycle` on hart 0 (cycles = "
        "instructions + modeled tag costs). Command: `" +
        ctx.shown(boot_[kBootConfigs[0].name].argv) + "` (flags per row in results.json).\n\n";
    o.markdown +=
        markdown_table({"config", "boot instructions", "boot cycles", "thread start instructions",
                        "switch instructions", "switch cycles", "image RAM bytes"},
                       cells);
    o.rows.push_back({{"kind", "hello_run"},
                      {"instructions", hello_.instructions()},
                      {"command", ctx.shown(hello_.argv)}});
    o.markdown += fmt::format("\nWhole `hello` run, reset to exit: {} instructions (`{}`).\n\n",
                              grouped(hello_.instructions()), ctx.shown(hello_.argv));
    std::vector<std::vector<std::string>> size_cells;
    for (const std::string& app : kApps) {
      const ElfImage image = ElfImage::load(ctx.guest(app));
      uint64_t text = 0, loaded = 0, memory = 0;
      for (const ElfSegment& s : image.segments()) {
        loaded += s.filesz;
        memory += s.memsz;
        if (s.executable) text += s.filesz;
      }
      o.rows.push_back({{"kind", "image_size"},
                        {"app", app},
                        {"text_bytes", text},
                        {"loaded_bytes", loaded},
                        {"memory_bytes", memory},
                        {"file_bytes", image.bytes().size()}});
      size_cells.push_back(
          {app, grouped(text), grouped(loaded), grouped(memory), grouped(image.bytes().size())});
    }
    o.markdown +=
        "Image sizes from the ELF program headers (`build/guest/APP.elf`; file size includes "
        "debug info):\n\n";
    o.markdown += markdown_table(
        {"app", "text bytes", "loaded bytes", "memory bytes (with bss)", "file bytes"}, size_cells);
    return o;
  }

 private:
  std::map<std::string, GuestRun> boot_;
  GuestRun hello_;
};

}  // namespace

std::unique_ptr<Suite> make_parallel_suite() { return std::make_unique<ParallelSuite>(); }
std::unique_ptr<Suite> make_kernel_suite() { return std::make_unique<KernelSuite>(); }

}  // namespace unitag::bench
