// The whole emulated machine: RAM, devices, harts and the run loop (parallel: one host thread
// per hart; deterministic: one thread, fixed round-robin quantum, reproducible to the bit).
// It knows nothing of tags: checkers attach to harts through ExecutionHooks.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "machine/bus/bus.h"
#include "machine/devices/clint.h"
#include "machine/devices/plic.h"
#include "machine/devices/test_finisher.h"
#include "machine/devices/uart.h"
#include "machine/hart/hart.h"
#include "machine/host_time_meter.h"
#include "machine/loader/elf.h"
#include "machine/partition.h"

namespace unitag {

struct MachineConfig {
  unsigned harts = 1;
  uint64_t mem_size = 128ull << 20;
  bool deterministic = false;
  uint64_t quantum = 10000;    // instructions per hart per turn (deterministic mode)
  uint64_t max_insns = 0;      // total over all harts; 0 = no limit
  double timeout_seconds = 0;  // wall clock; 0 = no limit
  bool fp = true;              // F and D implemented
  std::vector<std::string> guest_args;
  std::FILE* uart_out = stdout;
  int uart_in_fd = 0;
  uint64_t max_output = OutputLimit::kDefault;  // bytes out of the machine; 0 = no limit
  uint64_t tagged_harts = 0;                    // reported to the guest in the boot info
  uint64_t policies = 0;                        // reported to the guest in the boot info
  // Multikernel partitions (empty: plain SMP, one kernel on all harts, no windows).
  std::vector<PartitionSpec> partitions;
  uint64_t channel_mem = 4ull << 20;  // shared by all partitions, at the top of RAM
  uint32_t placement = 0;             // UNITAG_PLACEMENT_*, reported to the guest
  unsigned elastic = 0;               // partition slots for partitions started while running
  // Partitions as processes (docs/distributed.md): the harts another process simulates (parked
  // here), the device standing for channel memory, and the doorbells to those harts.
  uint64_t remote_harts = 0;
  Device* channel_device = nullptr;
  std::function<bool(unsigned hart, uint32_t value)> remote_msip;
  // --engine jit: code runs translated (machine/jit) where the host has the tier, tagged harts
  // with their checks compiled in; the interpreter runs harts with other hooks (gdb, traces).
  bool translate = false;
  // --translate-after: a block is translated once execution has entered it this many times
  // (0: at once). Cold code (boot, start-up) costs less interpreted than translated, above all
  // with tag checks compiled in.
  unsigned translate_after = 0;
  // The same for blocks with tag checks compiled in: emitting one costs several times a plain
  // block's, and a tagged hart's blocks are dropped and emitted again as its tags change.
  unsigned translate_after_tagged = 0;
};

// kDebugger: a debugger's breakpoint, watchpoint, single step or interrupt; the debugger clears it.
enum class StopReason {
  kNone,
  kGuestExit,
  kGuestFault,
  kDeadlock,
  kMaxInsns,
  kTimeout,
  kTagViolation,
  kHostError,
  kDebugger,
  kPartitionViolation,
  kOutputLimit
};

struct RunResult {
  StopReason reason = StopReason::kNone;
  int exit_code = 0;
  std::string message;  // empty for a normal guest exit
  int hart = -1;
  uint64_t pc = 0;
  double wall_seconds = 0;
};

class Machine {
 public:
  static constexpr uint64_t kTimebaseHz = 10'000'000;  // QEMU virt's mtime frequency
  static constexpr uint64_t kInsnsPerTick = 10;        // deterministic mode: 100 MIPS per hart

  explicit Machine(MachineConfig config);
  ~Machine();

  // Copies the image into RAM, writes the boot info and points every hart at the entry. With
  // partitions, every partition gets its own copy (of `own[p]` where given, else of `image`)
  // and its own boot info. Throws UserError when a segment does not fit in RAM.
  void load(const ElfImage& image, const std::vector<const ElfImage*>& own = {});
  RunResult run();
  // For images placed by other loaders (firmware boot): every hart starts at entry with
  // a0 = hartid, a1 = arg1, a2 = arg2; `symbols` (may be null) names functions in reports.
  void start_harts(uint64_t entry, uint64_t arg1, uint64_t arg2, const ElfImage* symbols);

  // --- for harts, devices and tools ---------------------------------------------------------
  // The first request wins; later ones are ignored.
  void request_stop(StopReason reason, int exit_code, std::string message, int hart = -1,
                    uint64_t pc = 0);
  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
  // Withdraws the stop request and returns it, so a debugger can resume after a breakpoint or a
  // tag violation it reported. Call only while no hart executes.
  RunResult clear_stop();
  // One turn of the deterministic loop (each hart runs up to `quantum` instructions), for a
  // driver that must look between turns (a debugger). Returns false once the machine stopped.
  bool run_turn(uint64_t quantum);
  // A guest store landed in a page the bus flags (code, or the HTIF tohost word's page).
  void stored_to_watched_page(uint64_t paddr, unsigned size);
  std::string deadlock_message();
  void report_guest_fault(Hart& hart, uint64_t pc, const std::string& what);
  // A partitioned hart reached RAM outside its window: the run stops (every partition) with a
  // report naming the partition, the access and the window.
  void report_partition_violation(Hart& hart, uint64_t pc, uint64_t cause, uint64_t addr);
  // ebreak: semihosting or a debugger may claim it; otherwise it is a breakpoint exception.
  using EbreakHandler = std::function<bool(Hart&, uint64_t pc)>;
  void set_ebreak_handler(EbreakHandler handler) { ebreak_handler_ = std::move(handler); }
  bool handle_ebreak(Hart& hart, uint64_t pc) {
    return ebreak_handler_ && ebreak_handler_(hart, pc);
  }

  // Every write the host makes into guest RAM (Hart::poke, HTIF, DMA) is announced here, so
  // observers (a tag engine) see it. Observers are added before the run and outlive it.
  void add_host_write_observer(HostWriteObserver* o) { host_write_observers_.push_back(o); }
  void remove_host_write_observer(HostWriteObserver* o) { std::erase(host_write_observers_, o); }
  void host_wrote(uint64_t addr, uint64_t size, HostWriteSource source) {
    for (HostWriteObserver* o : host_write_observers_) o->on_host_write(addr, size, source);
  }

  // Every read the host makes of guest RAM to send it out (semihosting writes) is asked here
  // first; false: an observer refused it (and stopped the machine or trapped the hart).
  void add_host_read_observer(HostReadObserver* o) { host_read_observers_.push_back(o); }
  void remove_host_read_observer(HostReadObserver* o) { std::erase(host_read_observers_, o); }
  bool host_reading(Hart& hart, uint64_t pc, uint64_t addr, uint64_t size, HostReadSink sink) {
    for (HostReadObserver* o : host_read_observers_)
      if (!o->on_host_read(hart, pc, addr, size, sink)) return false;
    return true;
  }

  uint64_t mtime(const Hart& hart) const;
  uint64_t interrupt_lines(unsigned hart) const;
  void wake(unsigned hart);

  Bus& bus() { return bus_; }
  Hart& hart(unsigned i) { return *harts_[i]; }
  unsigned hart_count() const { return static_cast<unsigned>(harts_.size()); }
  const MachineConfig& config() const { return config_; }
  const ElfImage* image() const { return image_; }
  // Partitions (none when the run is plain SMP).
  const PartitionLayout& partitions() const { return layout_; }
  // The image partition p runs.
  const ElfImage* partition_image(size_t p) const { return partition_images_.at(p); }
  // The harts partition p runs on now (0: stopped, or an elastic slot never started), and every
  // hart it ever ran on.
  uint64_t partition_harts(size_t p) const { return live_.at(p).load(); }
  uint64_t partition_ever_harts(size_t p) const { return ever_.at(p).load(); }
  // "partition 1 (harts 2-3)".
  std::string describe_partition(size_t p) const;
  // The partition controller's commands (machine/devices/partition_controller.h): a negative
  // errno, or the new partition's index / 0.
  int64_t start_partition(uint64_t harts);
  int64_t stop_partition(uint64_t index);
  Uart& uart() { return *uart_; }
  OutputLimit& output_limit() { return *output_limit_; }
  Clint& clint() { return *clint_; }
  Plic& plic() { return *plic_; }
  uint64_t total_retired() const { return total_retired_.load(std::memory_order_relaxed); }
  // The guest address of the boot info (partition 0's when partitioned).
  uint64_t bootinfo_address() const {
    return bus_.kRamBase + (layout_.count() ? layout_.window(0).size : bus_.ram_size()) - 4096;
  }
  // "main+0x10" when the image has symbols.
  std::string describe(uint64_t pc) const { return image_ ? image_->describe(pc) : fmt_addr(pc); }
  // The same, in the image hart h runs (its partition's).
  std::string describe(unsigned hart, uint64_t pc) const;

 private:
  static std::string fmt_addr(uint64_t pc);
  void write_bootinfo(const ElfImage& image, uint8_t* page, uint64_t guest_base, int partition);
  void copy_segments(const ElfImage& image, uint64_t phys_offset, uint64_t usable);
  // Copies image into partition p's window and writes its boot info; returns the boot info's
  // guest address.
  uint64_t place_image(size_t p, const ElfImage& image);
  void run_deterministic();
  bool run_turn_blocks(uint64_t quantum);  // run_turn without settling the host-time meter
  void run_parallel();
  void run_hart_thread(Hart& hart);
  void wait_for_interrupt(Hart& hart);
  // Bookkeeping after a block: the HTIF mailbox and --max-insns, which requests a stop (callers
  // check stop_requested()).
  void after_block(Hart& hart, uint64_t retired);
  void poll_htif();
  uint64_t host_ticks() const;
  // A device interrupt may still come to a hart waiting for it (the UART's input is open).
  bool external_interrupt_possible(const Hart& hart);

  MachineConfig config_;
  Bus bus_;
  std::unique_ptr<OutputLimit> output_limit_;
  std::unique_ptr<Uart> uart_;
  std::unique_ptr<Clint> clint_;
  std::unique_ptr<Plic> plic_;
  std::unique_ptr<TestFinisher> finisher_;
  std::vector<std::unique_ptr<Hart>> harts_;
  HostTimeMeter turn_meter_;  // the deterministic loop's: one thread runs every hart
  PartitionLayout layout_;
  std::array<std::atomic<uint64_t>, 16> live_{}, ever_{};
  std::unique_ptr<Device> controller_;
  const ElfImage* image_ = nullptr;
  std::vector<const ElfImage*> partition_images_;
  std::optional<uint64_t> tohost_, fromhost_;
  std::mutex htif_mu_;

  std::atomic<bool> stop_{false};
  std::mutex stop_mu_;
  RunResult result_;
  std::atomic<uint64_t> total_retired_{0};
  std::chrono::steady_clock::time_point start_;
  uint64_t virtual_ticks_ = 0;  // deterministic mtime
  uint64_t virtual_insns_ = 0;  // instructions toward the next virtual tick

  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  EbreakHandler ebreak_handler_;
  std::vector<HostWriteObserver*> host_write_observers_;
  std::vector<HostReadObserver*> host_read_observers_;
};

}  // namespace unitag
