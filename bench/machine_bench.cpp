// Machine speed: the same guest images on unitag (in process) and on qemu-system-riscv64
// (a subprocess), timed by Google Benchmark, then one table of MIPS and wall-time ratios from
// this single run. Guest MIPS for QEMU use unitag's retired-instruction count of the same image
// (both machines run the same program to the same end).
//
//   build/bench/unitag_bench_machine [--benchmark_repetitions=N] [GUEST_BIN_DIR]
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "machine/machine.h"

namespace {

std::string g_guest_dir = UNITAG_GUEST_BIN;

struct Measure {
  double seconds = 0;  // best wall time per run
  uint64_t instructions = 0;
};
std::map<std::string, Measure> g_results;

void record(const std::string& key, double seconds, uint64_t instructions) {
  Measure& m = g_results[key];
  if (m.seconds == 0 || seconds < m.seconds) m.seconds = seconds;
  if (instructions) m.instructions = instructions;
}

uint64_t run_unitag(const std::string& image_name, unsigned harts, double* seconds) {
  const auto image = unitag::ElfImage::load(g_guest_dir + "/" + image_name + ".elf");
  std::FILE* sink = std::fopen("/dev/null", "w");
  unitag::MachineConfig cfg;
  cfg.harts = harts;
  cfg.uart_out = sink;
  cfg.uart_in_fd = -1;
  unitag::Machine machine(cfg);
  machine.load(image);
  const unitag::RunResult r = machine.run();
  std::fclose(sink);
  if (r.exit_code != 0)
    throw std::runtime_error(fmt::format("{} failed: {}", image_name, r.message));
  *seconds = r.wall_seconds;
  return machine.total_retired();
}

void BM_Unitag(benchmark::State& state, const std::string& image, unsigned harts) {
  uint64_t insns = 0;
  for (auto _ : state) {
    double seconds = 0;
    insns = run_unitag(image, harts, &seconds);
    state.SetIterationTime(seconds);
    record(fmt::format("unitag/{}/{}", image, harts), seconds, insns);
  }
  state.counters["guest_MIPS"] = benchmark::Counter(static_cast<double>(insns) / 1e6,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Qemu(benchmark::State& state, const std::string& image) {
  const std::string path = g_guest_dir + "/" + image + ".elf";
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "r", stdin);
      execlp("qemu-system-riscv64", "qemu-system-riscv64", "-machine", "virt", "-bios", "none",
             "-nographic", "-monitor", "none", "-serial", "stdio", "-kernel", path.c_str(),
             nullptr);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("qemu-system-riscv64 failed (is qemu-system-misc installed?)");
      return;
    }
    state.SetIterationTime(seconds);
    record(fmt::format("qemu/{}", image), seconds, 0);
  }
}

void print_summary() {
  std::printf("\nSummary (best of the repetitions, all from this run)\n");
  std::printf("%-18s %14s %12s %12s %12s %14s\n", "workload", "instructions", "unitag s",
              "unitag MIPS", "qemu s", "qemu/unitag");
  for (const char* w : {"bench_mandel_int", "bench_memory"}) {
    const Measure& u = g_results[fmt::format("unitag/{}/1", w)];
    const Measure& q = g_results[fmt::format("qemu/{}", w)];
    if (u.seconds == 0) continue;
    std::printf("%-18s %14llu %12.3f %12.0f %12.3f %14.2f\n", w,
                static_cast<unsigned long long>(u.instructions), u.seconds,
                u.instructions / u.seconds / 1e6, q.seconds,
                q.seconds > 0 ? q.seconds / u.seconds : 0.0);
  }
  const Measure& one = g_results["unitag/bench_mandel_harts/1"];
  const Measure& two = g_results["unitag/bench_mandel_harts/2"];
  if (one.seconds > 0 && two.seconds > 0) {
    // Each hart does the same work, so 2 harts do twice the single-hart work.
    const double t1 = one.instructions / one.seconds, t2 = 2.0 * one.instructions / two.seconds;
    std::printf("parallel: 1 hart %.0f MIPS, 2 harts %.0f MIPS of work, scaling %.2fx\n", t1 / 1e6,
                t2 / 1e6, t2 / t1);
  }
  std::printf("qemu/unitag > 1 means unitag is faster.\n");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_guest_dir = argv[1];
  for (const char* w : {"bench_mandel_int", "bench_memory"}) {
    benchmark::RegisterBenchmark(fmt::format("unitag/{}", w).c_str(), BM_Unitag, std::string(w), 1u)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(3)
        ->ReportAggregatesOnly(false);
    benchmark::RegisterBenchmark(fmt::format("qemu/{}", w).c_str(), BM_Qemu, std::string(w))
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(3);
  }
  for (unsigned harts : {1u, 2u})
    benchmark::RegisterBenchmark(fmt::format("unitag/bench_mandel_harts/{}", harts).c_str(),
                                 BM_Unitag, std::string("bench_mandel_harts"), harts)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(3);
  benchmark::RunSpecifiedBenchmarks();
  print_summary();
  benchmark::Shutdown();
  return 0;
}
