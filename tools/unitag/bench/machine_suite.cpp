// `machine`: guest MIPS per workload on unitag, and the same image on qemu-system-riscv64
// where it runs there. Both are timed as whole processes (CPU time from wait4, so start-up is
// in both); unitag's MIPS are over the CPU time of its run loops (--stats). QEMU's MIPS use
// unitag's instruction count: both run the same program to the same end. The held-out programs
// also run built for this host from the same source (bench/CMakeLists.txt): the native column.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tools/unitag/bench/suite.h"

namespace unitag::bench {
namespace {

struct Workload {
  std::string image;
  std::string kind;
  bool semihost = false;
  std::vector<std::string> guest_args;
  bool native = false;  // build/bench/native/IMAGE: the same source built for the host
  bool quick = true;    // measured by --quick too
};

const std::vector<Workload> kWorkloads = {
    {"bench_mandel_int", "compute: fixed-point Mandelbrot (bench/guest)", false, {}},
    {"bench_memory", "memory: STREAM triad + pointer chase, 8 MiB (bench/guest)", false, {}},
    {"fmandel_big", "floating point: single-precision Mandelbrot (tests/fp)", false, {}},
    {"tags_bench_matmul", "compute: integer matrix multiply (tests/tags)", false, {}},
    {"tags_bench_crc", "branchy: table CRC-32 (tests/tags)", false, {}},
    {"tags_bench_sort", "indirect calls: picolibc qsort of a heap array (tests/tags)", false, {}},
    {"tags_benign_hash", "pointer-heavy: chained hash table, many mallocs (tests/tags)", false, {}},
    {"sh_malloc", "stock picolibc semihost: malloc churn", true, {}},
    {"sh_stdio", "stock picolibc semihost: printf, argv", true, {"a", "b"}},
    {"threads", "library OS: threads, 1 hart (apps/)", false, {}},
    {"cat", "library OS: ramfs files (apps/)", false, {}},
    {"heldout_crc32", "held-out: bitwise CRC-32 (bench/guest/heldout)", true, {}, true, true},
    {"heldout_aes", "held-out: AES-128 encryption", true, {}, true, false},
    {"heldout_dijkstra", "held-out: shortest paths, adjacency matrix", true, {}, true, false},
    {"heldout_edn", "held-out: DSP kernels (FIR, IIR, dot products)", true, {}, true, false},
    {"heldout_huffman", "held-out: Huffman coding", true, {}, true, false},
    {"heldout_levenshtein", "held-out: edit distance (DP)", true, {}, true, false},
    {"heldout_montmul", "held-out: Montgomery multiplication", true, {}, true, false},
    {"heldout_sha256", "held-out: SHA-256", true, {}, true, false},
    {"heldout_sort", "held-out: quicksort and merge sort", true, {}, true, false},
    {"heldout_nbody", "held-out: n-body, double precision", true, {}, true, false},
    {"heldout_matmul_f", "held-out: matrix multiply, double precision", true, {}, true, false},
    {"heldout_minver", "held-out: matrix inversion, double precision", true, {}, true, false},
};

struct Measured {
  uint64_t instructions = 0;
  double unitag_loop_cpu = 0, unitag_cpu = 0, qemu_cpu = 0, native_cpu = 0;
  std::string qemu_status = "not run", native_status = "not built";
  std::string command, qemu_command, native_command;
};

class MachineSuite final : public Suite {
 public:
  std::vector<Step> plan(const BenchContext& ctx) override {
    std::vector<Step> steps;
    const int repeat = ctx.quick ? 1 : 3;
    // Interleaved repetitions: a burst of load on the shared host hits both machines alike.
    for (int rep = 1; rep <= repeat; ++rep)
      for (const Workload& w : kWorkloads) {
        if (ctx.quick && !w.quick) continue;
        if (rep == 1) workloads_.push_back(w);
        steps.push_back({fmt::format("{} on unitag (run {}/{})", w.image, rep, repeat),
                         [this, &ctx, &w] { run_unitag(ctx, w); }});
        steps.push_back({fmt::format("{} on qemu (run {}/{})", w.image, rep, repeat),
                         [this, &ctx, &w] { run_qemu(ctx, w); }});
        if (w.native)
          steps.push_back({fmt::format("{} natively (run {}/{})", w.image, rep, repeat),
                           [this, &ctx, &w] { run_native(ctx, w); }});
      }
    return steps;
  }

  SuiteOutput finish(const BenchContext& ctx) override {
    SuiteOutput o;
    std::vector<std::vector<std::string>> cells;
    nlohmann::json labels = nlohmann::json::array(), unitag_mips = nlohmann::json::array(),
                   qemu_mips = nlohmann::json::array();
    for (const Workload& w : workloads_) {
      const Measured& m = results_[w.image];
      const double mips = m.unitag_loop_cpu > 0 ? m.instructions / m.unitag_loop_cpu / 1e6 : 0;
      const bool qemu_ok = m.qemu_status == "ok";
      const double q_mips = qemu_ok && m.qemu_cpu > 0 ? m.instructions / m.qemu_cpu / 1e6 : 0;
      const double ratio = qemu_ok && m.unitag_cpu > 0 ? m.qemu_cpu / m.unitag_cpu : 0;
      nlohmann::json row = {{"workload", w.image},
                            {"kind", w.kind},
                            {"instructions", m.instructions},
                            {"unitag_mips", mips},
                            {"unitag_process_cpu_seconds", m.unitag_cpu},
                            {"qemu_status", m.qemu_status},
                            {"command", m.command},
                            {"qemu_command", m.qemu_command}};
      if (qemu_ok) {
        row["qemu_process_cpu_seconds"] = m.qemu_cpu;
        row["qemu_mips"] = q_mips;
        row["qemu_over_unitag"] = ratio;
      }
      const bool native_ok = m.native_status == "ok" && m.native_cpu > 0;
      const double slowdown = native_ok ? m.unitag_cpu / m.native_cpu : 0;
      if (w.native) {
        row["native_status"] = m.native_status;
        row["native_command"] = m.native_command;
        if (native_ok) {
          row["native_process_cpu_seconds"] = m.native_cpu;
          row["unitag_over_native"] = slowdown;
        }
      }
      o.rows.push_back(row);
      // Short runs (start-up dominated) get decimals, so a small figure does not read as zero.
      const auto shown_mips = [](double v) { return fixed(v, v < 10 ? 2 : 0); };
      cells.push_back({w.image, w.kind, grouped(m.instructions), shown_mips(mips),
                       fixed(m.unitag_cpu, 3), qemu_ok ? fixed(m.qemu_cpu, 3) : m.qemu_status,
                       qemu_ok ? shown_mips(q_mips) : "-", qemu_ok ? fixed(ratio, 2) : "-",
                       native_ok ? fixed(m.native_cpu, 3) : (w.native ? m.native_status : "-"),
                       native_ok ? fixed(slowdown, 1) + "x" : "-"});
      labels.push_back(w.image);
      unitag_mips.push_back(mips);
      qemu_mips.push_back(q_mips);
    }
    const int repeat = ctx.quick ? 1 : 3;
    o.markdown = fmt::format(
        "Each image run {} time(s) on unitag and on `qemu-system-riscv64 -machine virt -bios "
        "none` (TCG), interleaved; best CPU time kept. *process CPU* is the whole child process "
        "(wait4: load and start-up included) for both; unitag MIPS are over its run loops' CPU "
        "time (`--stats`); QEMU MIPS divide unitag's instruction count by QEMU's process CPU. "
        "*qemu/unitag* > 1: unitag is faster. *native*: the held-out programs' same C source "
        "built for this host (`gcc -O2`, bench/CMakeLists.txt; its own instruction count "
        "differs), process CPU time; *unitag/native*: unitag's process CPU time over it, the "
        "cost of emulation. One row's command: `{}` and `{}`.\n\n",
        repeat, results_[kWorkloads[0].image].command, results_[kWorkloads[0].image].qemu_command);
    o.markdown += markdown_table(
        {"workload", "kind", "instructions", "unitag MIPS", "unitag process CPU s",
         "qemu process CPU s", "qemu MIPS", "qemu/unitag", "native CPU s", "unitag/native"},
        cells);
    o.markdown += "\n![MIPS per workload](machine_mips.png)\n";
    o.plots.push_back({{"file", "machine_mips.png"},
                       {"kind", "bar"},
                       {"title", "Guest MIPS per workload (higher is better)"},
                       {"ylabel", "guest MIPS"},
                       {"ylog", true},
                       {"categories", labels},
                       {"series",
                        {{{"label", "unitag"}, {"y", unitag_mips}},
                         {{"label", "qemu-system-riscv64 (0: does not run)"}, {"y", qemu_mips}}}}});
    return o;
  }

 private:
  void run_unitag(const BenchContext& ctx, const Workload& w) {
    std::vector<std::string> flags;
    if (w.semihost) flags.push_back("--semihost");
    const GuestRun r = run_guest_ok(ctx, w.image, flags, w.guest_args);
    Measured& m = results_[w.image];
    m.instructions = r.instructions();
    m.command = ctx.shown(r.argv);
    const double loop = r.guest_cpu_seconds();
    if (m.unitag_loop_cpu == 0 || loop < m.unitag_loop_cpu) m.unitag_loop_cpu = loop;
    if (m.unitag_cpu == 0 || r.process.cpu_seconds < m.unitag_cpu) {
      m.unitag_cpu = r.process.cpu_seconds;
      unitag_wall_[w.image] = r.process.wall_seconds;
    }
  }

  void run_native(const BenchContext& ctx, const Workload& w) {
    Measured& m = results_[w.image];
    const std::vector<std::string> argv = {ctx.build_dir + "/bench/native/" + w.image};
    m.native_command = ctx.shown(argv);
    const ProcessResult r = run_process(argv, ctx.scratch_dir, 120, ctx.scratch_dir);
    if (r.exit_code == 127)
      m.native_status = "not built (build the native_" + w.image + " target)";
    else if (r.exit_code != 0)
      m.native_status = fmt::format("exits {}", r.exit_code);
    else {
      m.native_status = "ok";
      keep_min(m.native_cpu, r.cpu_seconds);
    }
  }

  void run_qemu(const BenchContext& ctx, const Workload& w) {
    Measured& m = results_[w.image];
    if (m.qemu_status != "ok" && m.qemu_status != "not run") return;  // failed once: skip
    std::vector<std::string> argv = {"qemu-system-riscv64", "-machine", "virt", "-bios", "none",
                                     "-nographic",          "-monitor", "none"};
    if (w.semihost)
      argv.insert(argv.end(), {"-serial", "none", "-chardev", "stdio,id=semihost",
                               "-semihosting-config", "enable=on,target=native,chardev=semihost"});
    else
      argv.insert(argv.end(), {"-serial", "stdio"});
    argv.insert(argv.end(), {"-kernel", ctx.guest(w.image)});
    if (!w.guest_args.empty()) {
      std::string joined;
      for (const std::string& a : w.guest_args) joined += (joined.empty() ? "" : " ") + a;
      argv.insert(argv.end(), {"-append", joined});
    }
    m.qemu_command = ctx.shown(argv);
    // A guest that hangs on QEMU (a device it lacks) must not stall the bench.
    const double timeout = std::max(10.0, 20 * unitag_wall_[w.image]);
    const ProcessResult r = run_process(argv, ctx.scratch_dir, timeout, ctx.scratch_dir);
    if (r.timed_out)
      m.qemu_status = fmt::format("no exit within {:.0f} s", timeout);
    else if (r.exit_code == 127)
      m.qemu_status = "qemu-system-riscv64 not found (apt-get install qemu-system-misc)";
    else if (r.exit_code != 0)
      m.qemu_status = fmt::format("exits {}", r.exit_code);
    else {
      m.qemu_status = "ok";
      if (m.qemu_cpu == 0 || r.cpu_seconds < m.qemu_cpu) m.qemu_cpu = r.cpu_seconds;
    }
  }

  std::vector<Workload> workloads_;
  std::map<std::string, Measured> results_;
  std::map<std::string, double> unitag_wall_;
};

}  // namespace

std::unique_ptr<Suite> make_machine_suite() { return std::make_unique<MachineSuite>(); }

}  // namespace unitag::bench
