#include "machine/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <thread>

#include "abi/unitag/bootinfo.h"
#include "machine/devices/partition_controller.h"
#include "machine/errors.h"
#include "machine/host_time_meter.h"

namespace unitag {
namespace {
// A block never runs past --max-insns, so the limit is exact with one hart (with several in
// parallel, each may finish the block it started).
uint64_t cap_to_limit(uint64_t block, uint64_t limit, uint64_t retired) {
  if (limit == 0) return block;
  return retired >= limit ? 1 : std::min(block, limit - retired);
}
}  // namespace

Machine::Machine(MachineConfig config) : config_(std::move(config)), bus_(config_.mem_size) {
  if (config_.harts < 1 || config_.harts > 64)
    throw UserError(exit_code::kUsage,
                    fmt::format("--harts {} is out of range; use 1 to 64", config_.harts));
  output_limit_ = std::make_unique<OutputLimit>(config_.max_output, [this](unsigned hart) {
    request_stop(StopReason::kOutputLimit, exit_code::kOutputLimit,
                 fmt::format("hart {} took the guest's output past --max-output {} bytes "
                             "(UART and semihosting together); raise it, or 0 for no limit",
                             hart, config_.max_output));
  });
  uart_ = std::make_unique<Uart>(config_.uart_out, config_.uart_in_fd, output_limit_.get());
  clint_ = std::make_unique<Clint>(
      config_.harts, [this] { return config_.deterministic ? virtual_ticks_ : host_ticks(); },
      [this](unsigned h) { wake(h); });
  plic_ = std::make_unique<Plic>(config_.harts, [this](unsigned h) { wake(h); });
  uart_->connect_irq([this](bool level) { plic_->set_level(Plic::kUartSource, level); });
  finisher_ = std::make_unique<TestFinisher>([this](int code, const char* why) {
    request_stop(StopReason::kGuestExit, code, why ? why : "");
  });
  bus_.map(Uart::kBase, Uart::kSize, uart_.get());
  bus_.map(Clint::kBase, Clint::kSize, clint_.get());
  bus_.map(TestFinisher::kBase, TestFinisher::kSize, finisher_.get());
  bus_.map(Plic::kBase, Plic::kSize, plic_.get());
  // The decode caches of all harts together stay under about 256 MiB of host memory (4096
  // pages of 64 KiB), but each hart keeps at least 1 MiB of guest code decoded.
  const size_t decoded_pages = std::max<size_t>(256, 4096 / config_.harts);
  for (unsigned i = 0; i < config_.harts; ++i) {
    harts_.push_back(std::make_unique<Hart>(*this, bus_, i, config_.fp));
    harts_.back()->set_decoded_page_budget(decoded_pages);
  }
  // Deterministic runs of several harts translate too: translated code stops at exactly the
  // instruction the interpreter would (budgets, block ends), so the harts' turns interleave the
  // same way on both engines (tests/jit: jit.deterministic_same_as_interp.*).
  if (config_.translate)
    for (auto& h : harts_)
      h->enable_translation(config_.translate_after, config_.translate_after_tagged);
  if (!config_.partitions.empty()) {
    layout_ = PartitionLayout::plan(config_.partitions, config_.harts, config_.mem_size,
                                    config_.channel_mem, config_.elastic);
    for (size_t p = 0; p < layout_.count(); ++p) live_[p] = ever_[p] = layout_.harts(p);
    for (auto& h : harts_) {
      const int p = layout_.partition_of(h->id());
      if (p >= 0) h->set_partition(layout_.window(p));
      if (p < 0 || (config_.remote_harts >> h->id() & 1))
        h->park = Hart::kParked;  // a spare hart (until a partition starts on it), or remote
    }
    if (config_.channel_device) {
      const PartitionWindow& w = layout_.window(0);
      bus_.set_remote(w.channel_base, w.channel_size);
      bus_.map(w.channel_base, w.channel_size, config_.channel_device);
    }
    if (config_.remote_msip) clint_->forward_msip(config_.remote_msip);
    controller_ = std::make_unique<PartitionController>(PartitionController::Hooks{
        [this](uint64_t harts) { return start_partition(harts); },
        [this](uint64_t index) { return stop_partition(index); },
        [this](uint64_t index) { return index < layout_.count() ? live_[index].load() : 0; }});
    bus_.map(PartitionController::kBase, PartitionController::kSize, controller_.get());
  }
  start_ = std::chrono::steady_clock::now();
}

Machine::~Machine() = default;

std::string Machine::fmt_addr(uint64_t pc) { return fmt::format("0x{:x}", pc); }

void Machine::copy_segments(const ElfImage& image, uint64_t phys_offset, uint64_t usable) {
  unsigned index = 0;
  for (const ElfSegment& s : image.segments()) {
    if (s.paddr < Bus::kRamBase || s.paddr - Bus::kRamBase > usable ||
        s.memsz > usable - (s.paddr - Bus::kRamBase)) {
      throw UserError(
          exit_code::kBadImage,
          fmt::format(
              "{}: segment {} at [0x{:x}, 0x{:x}) lies outside RAM [0x{:x}, 0x{:x}); link the "
              "image at 0x80000000 or give a larger --mem{}",
              image.path(), index, s.paddr, s.paddr + s.memsz, Bus::kRamBase,
              Bus::kRamBase + usable, layout_.count() ? " (partitions split RAM)" : ""));
    }
    std::memcpy(bus_.ram() + (s.paddr - Bus::kRamBase) + phys_offset,
                image.bytes().data() + s.offset, s.filesz);
    ++index;
  }
}

void Machine::load(const ElfImage& image, const std::vector<const ElfImage*>& own) {
  image_ = &image;
  if (layout_.count() == 0) {
    copy_segments(image, 0, bus_.ram_size() - UNITAG_BOOTINFO_SIZE);
    tohost_ = image.symbol_address("tohost");
    fromhost_ = image.symbol_address("fromhost");
    if (tohost_ && !bus_.in_ram(*tohost_, 8)) tohost_.reset();
    if (fromhost_ && !bus_.in_ram(*fromhost_, 8)) fromhost_.reset();
    // Stores into a code page take the slow path on both engines (invalidate_code), which is
    // where a write to tohost is acted on at once rather than at the end of the hart's block.
    if (tohost_) bus_.mark_code_page(*tohost_ - Bus::kRamBase);
    const uint64_t base = bootinfo_address();
    write_bootinfo(image, bus_.ram() + (base - Bus::kRamBase), base, -1);
    for (auto& h : harts_) {
      h->pc = image.entry();
      h->x[10] = h->id();
      h->x[11] = base;
    }
    return;
  }
  // Partitions: HTIF stays off (its mailbox would be shared by every copy of the image).
  partition_images_.assign(layout_.count(), &image);
  for (size_t p = 0; p < layout_.count(); ++p) {
    const uint64_t base = place_image(p, p < own.size() && own[p] ? *own[p] : image);
    for (auto& h : harts_) {
      if (layout_.partition_of(h->id()) != static_cast<int>(p)) continue;
      h->pc = partition_images_[p]->entry();
      h->x[10] = h->id();
      h->x[11] = base;
    }
  }
}

void Machine::start_harts(uint64_t entry, uint64_t arg1, uint64_t arg2, const ElfImage* symbols) {
  image_ = symbols;
  for (auto& h : harts_) {
    h->pc = entry;
    h->x[10] = h->id();
    h->x[11] = arg1;
    h->x[12] = arg2;
  }
}

uint64_t Machine::place_image(size_t p, const ElfImage& image) {
  const PartitionWindow& w = layout_.window(p);
  partition_images_[p] = &image;
  copy_segments(image, w.phys_base - Bus::kRamBase, w.size - UNITAG_BOOTINFO_SIZE);
  const uint64_t base = Bus::kRamBase + w.size - UNITAG_BOOTINFO_SIZE;
  write_bootinfo(image, bus_.ram() + (w.phys_base - Bus::kRamBase) + w.size - UNITAG_BOOTINFO_SIZE,
                 base, static_cast<int>(p));
  return base;
}

void Machine::write_bootinfo(const ElfImage& image, uint8_t* page, uint64_t base, int partition) {
  std::memset(page, 0, UNITAG_BOOTINFO_SIZE);
  unitag_bootinfo info{};
  info.magic = UNITAG_BOOTINFO_MAGIC;
  info.version = UNITAG_BOOTINFO_VERSION;
  info.hart_count = config_.harts;
  info.ram_base = Bus::kRamBase;
  info.ram_size = base - Bus::kRamBase;
  info.tagged_harts = config_.tagged_harts;
  info.timebase_hz = kTimebaseHz;
  info.policies = config_.policies;
  info.placement = config_.placement;
  const uint64_t all = config_.harts == 64 ? ~uint64_t{0} : (uint64_t{1} << config_.harts) - 1;
  if (partition < 0) {
    info.partition_count = 1;
    info.partition_harts[0] = all;
  } else {
    info.partition_count = static_cast<uint32_t>(layout_.count());
    for (uint32_t i = 0; i < info.partition_count; ++i) info.partition_harts[i] = live_[i];
    info.partition_index = static_cast<uint32_t>(partition);
    info.boot_hart = static_cast<uint32_t>(std::countr_zero(live_[partition].load()));
    // Only runs with elastic slots need it: masks cannot change otherwise, and reading them from
    // a device costs more than from the boot info.
    info.partition_controller = config_.elastic ? PartitionController::kBase : 0;
    info.channel_base = layout_.window(partition).channel_base;
    info.channel_size = layout_.window(partition).channel_size;
  }
  // argv[0] is the image name, as a C program expects; then the arguments after `--`.
  std::vector<std::string> args;
  args.push_back(image.path().substr(image.path().find_last_of('/') + 1));
  args.insert(args.end(), config_.guest_args.begin(), config_.guest_args.end());
  uint64_t cursor = sizeof(unitag_bootinfo);
  const uint64_t argv_off = cursor;
  cursor += 8 * (args.size() + 1);
  std::vector<uint64_t> ptrs;
  for (const std::string& a : args) {
    if (cursor + a.size() + 1 > UNITAG_BOOTINFO_SIZE)
      throw UserError(exit_code::kUsage, "guest arguments are too long (they must fit in 3 KiB)");
    std::memcpy(page + cursor, a.c_str(), a.size() + 1);
    ptrs.push_back(base + cursor);
    cursor += a.size() + 1;
  }
  ptrs.push_back(0);
  std::memcpy(page + argv_off, ptrs.data(), 8 * ptrs.size());
  info.argc = static_cast<uint32_t>(args.size());
  info.argv = base + argv_off;
  std::memcpy(page, &info, sizeof info);
}

int64_t Machine::start_partition(uint64_t harts) {
  constexpr int64_t kEinval = -22, kEbusy = -16, kEnospc = -28, kEperm = -1;
  const uint64_t all = config_.harts == 64 ? ~uint64_t{0} : (uint64_t{1} << config_.harts) - 1;
  if (harts == 0 || (harts & ~all)) return kEinval;
  // Tags are laid down when the image is loaded at start; a partition started later runs
  // untagged, so tagged harts cannot host one.
  if (harts & config_.tagged_harts) return kEperm;
  std::unique_lock<std::mutex> lock(wait_mu_);
  // Harts of a partition just stopped finish their block first: give them a moment to park.
  auto all_parked = [&] {
    for (unsigned h = 0; h < config_.harts; ++h)
      if ((harts >> h & 1) && harts_[h]->park.load() != Hart::kParked) return false;
    return true;
  };
  auto stopping = [&] {
    for (unsigned h = 0; h < config_.harts; ++h)
      if ((harts >> h & 1) && harts_[h]->park.load() == Hart::kRequested) return true;
    return false;
  };
  if (stopping() && !config_.deterministic)
    wait_cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !stopping(); });
  if (!all_parked()) return kEbusy;
  size_t slot = layout_.count();
  for (size_t p = 1; p < layout_.count() && slot == layout_.count(); ++p)
    if (live_[p] == 0) slot = p;
  if (slot == layout_.count()) return kEnospc;
  // A fresh copy of the image in zeroed RAM: nothing of the slot's previous partition survives.
  const PartitionWindow& w = layout_.window(slot);
  std::memset(bus_.ram() + (w.phys_base - Bus::kRamBase), 0, w.size);
  live_[slot] = harts;  // before the boot info, which lists every partition's harts
  ever_[slot] |= harts;
  const ElfImage& img = *partition_images_[0];
  const uint64_t info = place_image(slot, img);
  for (unsigned h = 0; h < config_.harts; ++h) {
    if (!(harts >> h & 1)) continue;
    harts_[h]->set_partition(w);
    harts_[h]->reset(img.entry(), h, info);
    harts_[h]->park = Hart::kRunning;
  }
  wait_cv_.notify_all();
  return static_cast<int64_t>(slot);
}

int64_t Machine::stop_partition(uint64_t index) {
  constexpr int64_t kEinval = -22, kEperm = -1;
  if (index >= layout_.count() || live_[index] == 0) return kEinval;
  if (index == 0) return kEperm;  // partition 0 ends the run by exiting
  std::lock_guard<std::mutex> lock(wait_mu_);
  const uint64_t harts = live_[index].exchange(0);
  for (unsigned h = 0; h < config_.harts; ++h) {
    if (!(harts >> h & 1)) continue;
    // The caller's own hart (a partition stopping itself) parks when its block ends.
    harts_[h]->park = config_.deterministic ? Hart::kParked : Hart::kRequested;
    harts_[h]->waiting_for_interrupt = false;
  }
  wait_cv_.notify_all();
  return 0;
}

void Machine::request_stop(StopReason reason, int exit_code, std::string message, int hart,
                           uint64_t pc) {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stop_.load()) return;
  result_.reason = reason;
  result_.exit_code = exit_code;
  result_.message = std::move(message);
  result_.hart = hart;
  result_.pc = pc;
  stop_.store(true);
  wait_cv_.notify_all();
}

std::string Machine::describe_partition(size_t p) const {
  return unitag::describe_partition(p, ever_[p]);
}

std::string Machine::describe(unsigned hart, uint64_t pc) const {
  const int p = harts_[hart]->partition().index;
  const ElfImage* img = p >= 0 && !partition_images_.empty() ? partition_images_[p] : image_;
  return img ? img->describe(pc) : fmt_addr(pc);
}

// Where each hart waits tells which wake-up the guest missed.
std::string Machine::deadlock_message() {
  std::string text =
      "every hart is waiting (wfi) for an interrupt that nothing can raise: no timer is armed "
      "and no hart is running";
  const char* separator = " (";
  for (auto& h : harts_) {
    if (h->park != Hart::kRunning) continue;
    const std::string where = describe(h->id(), h->pc);
    text += fmt::format("{}hart {} waits at 0x{:x}{}", separator, h->id(), h->pc,
                        where == fmt_addr(h->pc) ? "" : " in " + where);
    separator = ", ";
  }
  return text + (*separator == ',' ? ")" : "");
}

void Machine::report_guest_fault(Hart& hart, uint64_t pc, const std::string& what) {
  const int p = hart.partition().index;
  request_stop(
      StopReason::kGuestFault, exit_code::kGuestFault,
      fmt::format("{}hart {} at 0x{:x} ({}): {}", p >= 0 ? describe_partition(p) + ", " : "",
                  hart.id(), pc, describe(hart.id(), pc), what),
      static_cast<int>(hart.id()), pc);
}

void Machine::report_partition_violation(Hart& hart, uint64_t pc, uint64_t cause, uint64_t addr) {
  const int p = hart.partition().index;
  const PartitionWindow& w = hart.partition();
  const char* access = cause == Cause::kStoreAccessFault  ? "store to"
                       : cause == Cause::kLoadAccessFault ? "load from"
                                                          : "instruction fetch at";
  const int owner = [&] {
    for (size_t q = 0; q < layout_.count(); ++q) {
      const PartitionWindow& o = layout_.window(q);
      if (addr - o.phys_base < o.size) return static_cast<int>(q);
    }
    return -1;
  }();
  request_stop(
      StopReason::kPartitionViolation, exit_code::kPartitionViolation,
      fmt::format("partition violation: {}, hart {}, {} 0x{:x} at pc 0x{:x} ({})\n"
                  "  the partition may reach its private RAM [0x{:x}, 0x{:x}) and channel memory "
                  "[0x{:x}, 0x{:x}); physical 0x{:x} is {}\n"
                  "  every partition was stopped; share data through channel memory instead",
                  p >= 0 ? describe_partition(p) : "partition ?", hart.id(), access, addr, pc,
                  describe(hart.id(), pc), PartitionWindow::kGuestBase,
                  PartitionWindow::kGuestBase + w.size, w.channel_base,
                  w.channel_base + w.channel_size, addr,
                  owner >= 0 ? fmt::format("{}'s private RAM", describe_partition(owner))
                             : std::string("RAM no partition owns")),
      static_cast<int>(hart.id()), pc);
}

uint64_t Machine::host_ticks() const {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - start_)
                      .count();
  return static_cast<uint64_t>(ns) / (1'000'000'000 / kTimebaseHz);
}

uint64_t Machine::mtime(const Hart& hart) const {
  if (config_.deterministic) return clint_->mtime() + hart.block_executed / kInsnsPerTick;
  return clint_->mtime();
}

uint64_t Machine::interrupt_lines(unsigned h) const {
  uint64_t lines = 0;
  if (clint_->msip(h)) lines |= irq::kMsip;
  if (mtime(*harts_[h]) >= clint_->mtimecmp(h)) lines |= irq::kMtip;
  return lines | plic_->lines(h);
}

bool Machine::external_interrupt_possible(const Hart& h) {
  return (h.mie & (irq::kMeip | irq::kSeip)) && uart_->input_may_arrive();
}

void Machine::wake(unsigned) {
  if (config_.deterministic) return;
  std::lock_guard<std::mutex> lock(wait_mu_);
  wait_cv_.notify_all();
}

void Machine::stored_to_watched_page(uint64_t paddr, unsigned size) {
  if (tohost_ && paddr < *tohost_ + 8 && *tohost_ < paddr + size) poll_htif();
}

void Machine::poll_htif() {
  if (!tohost_) return;
  uint64_t* word = reinterpret_cast<uint64_t*>(bus_.ram() + (*tohost_ - Bus::kRamBase));
  const uint64_t v = std::atomic_ref<uint64_t>(*word).exchange(0);
  if (v == 0) return;
  std::lock_guard<std::mutex> lock(htif_mu_);
  const uint64_t device = v >> 56, command = (v >> 48) & 0xff, payload = v & ((1ull << 48) - 1);
  auto reply = [&](uint64_t value) {
    if (!fromhost_) return;
    std::memcpy(bus_.ram() + (*fromhost_ - Bus::kRamBase), &value, 8);
    host_wrote(*fromhost_, 8, HostWriteSource::kHtif);
  };
  if (device == 0 && command == 0 && (payload & 1)) {
    const int code = static_cast<int>(payload >> 1);
    request_stop(StopReason::kGuestExit, code, "");
    return;
  }
  if (device == 1 && command == 1) {  // console putchar
    uint8_t ch = static_cast<uint8_t>(payload);
    uart_->write(0, 1, ch, 0);
    reply((1ull << 56) | (1ull << 48));
    return;
  }
  if (device == 0 && bus_.in_ram(payload, 64)) {  // syscall proxy: magic_mem[8]
    uint64_t mm[8];
    std::memcpy(mm, bus_.ram() + (payload - Bus::kRamBase), sizeof mm);
    uint64_t ret = static_cast<uint64_t>(-38);  // ENOSYS
    if (mm[0] == 64 && (mm[1] == 1 || mm[1] == 2) && bus_.in_ram(mm[2], mm[3])) {
      for (uint64_t i = 0; i < mm[3]; ++i)
        uart_->write(0, 1, bus_.ram()[mm[2] - Bus::kRamBase + i], 0);
      ret = mm[3];
    } else if (mm[0] == 93) {
      request_stop(StopReason::kGuestExit, static_cast<int>(mm[1]), "");
      ret = 0;
    }
    std::memcpy(bus_.ram() + (payload - Bus::kRamBase), &ret, 8);
    host_wrote(payload, 8, HostWriteSource::kHtif);
    reply(1);
  }
}

void Machine::after_block(Hart&, uint64_t retired) {
  const uint64_t total = total_retired_.fetch_add(retired, std::memory_order_relaxed) + retired;
  if (tohost_) poll_htif();
  if (config_.max_insns && total >= config_.max_insns)
    request_stop(StopReason::kMaxInsns, exit_code::kMaxInsns,
                 fmt::format("the guest retired {} instructions without finishing (--max-insns {})",
                             total, config_.max_insns));
}

RunResult Machine::run() {
  start_ = std::chrono::steady_clock::now();
  if (config_.deterministic)
    run_deterministic();
  else
    run_parallel();
  uart_->flush();
  result_.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return result_;
}

RunResult Machine::clear_stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  RunResult previous = result_;
  result_ = RunResult{};
  stop_.store(false);
  return previous;
}

void Machine::run_deterministic() {
  const auto deadline = start_ + std::chrono::duration<double>(config_.timeout_seconds);
  while (run_turn(config_.quantum)) {
    if (config_.timeout_seconds > 0 && std::chrono::steady_clock::now() > deadline) {
      request_stop(
          StopReason::kTimeout, exit_code::kTimeout,
          fmt::format("the guest did not finish within --timeout {} s", config_.timeout_seconds));
      break;
    }
  }
}

bool Machine::run_turn(uint64_t quantum) {
  const bool more = run_turn_blocks(quantum);
  if (!more) turn_meter_.settle();
  return more;
}

bool Machine::run_turn_blocks(uint64_t quantum) {
  if (stop_requested()) return false;
  bool any_ran = false;
  uint64_t turn_insns = 0;  // the most any hart retired: a block can end long before the quantum
  for (auto& hp : harts_) {
    Hart& h = *hp;
    if (h.park.load(std::memory_order_relaxed) != Hart::kRunning) continue;
    if (h.waiting_for_interrupt) {
      if ((h.pending_interrupts() & h.mie) == 0) continue;
      h.waiting_for_interrupt = false;
    }
    h.poll_interrupts();
    if (stop_requested()) return false;
    const uint64_t retired =
        turn_meter_.execute(h, cap_to_limit(quantum, config_.max_insns, total_retired()));
    any_ran = true;
    turn_insns = std::max(turn_insns, retired);
    after_block(h, retired);
    if (stop_requested()) return false;
  }
  if (any_ran) {
    // Time moves with the work done, not with the quantum: a guest whose blocks end early (a
    // CSR write or xRET ends one) would otherwise see time race ahead of its instructions.
    virtual_insns_ += std::max<uint64_t>(turn_insns, 1);
    virtual_ticks_ += virtual_insns_ / kInsnsPerTick;
    virtual_insns_ %= kInsnsPerTick;
    return true;
  }
  // Every hart waits: jump virtual time to the earliest armed timer, or give up.
  uint64_t next = ~uint64_t{0};
  for (auto& h : harts_)
    if ((h->mie & irq::kMtip) && h->park == Hart::kRunning)
      next = std::min(next, clint_->mtimecmp(h->id()));
  const uint64_t now = clint_->mtime();
  for (auto& h : harts_) {
    if (h->park == Hart::kRunning && external_interrupt_possible(*h)) {
      // Input is on its way from the host: wait for it in host time, not virtual time.
      turn_meter_.settle();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return true;
    }
  }
  if (next == ~uint64_t{0} && config_.remote_harts) {
    turn_meter_.settle();
    std::this_thread::sleep_for(std::chrono::microseconds(100));  // a remote rank may ring
    return true;
  }
  if (next == ~uint64_t{0}) {
    request_stop(StopReason::kDeadlock, exit_code::kDeadlock, deadlock_message());
    return false;
  }
  if (next > now) virtual_ticks_ += next - now;
  return true;
}

void Machine::wait_for_interrupt(Hart& h) {
  std::unique_lock<std::mutex> lock(wait_mu_);
  h.asleep = true;
  struct Awake {
    Hart& h;
    ~Awake() { h.asleep = false; }  // still under the lock: it is released after this
  } awake{h};
  while (!stop_requested() && h.park == Hart::kRunning) {
    if (h.pending_interrupts() & h.mie) {
      h.waiting_for_interrupt = false;
      return;
    }
    // Sleep until the timer is due (capped, so a changed mtimecmp is noticed promptly).
    const uint64_t now = clint_->mtime(), cmp = clint_->mtimecmp(h.id());
    const uint64_t ticks = (h.mie & irq::kMtip) && cmp > now ? cmp - now : kTimebaseHz / 1000;
    const auto wait = std::chrono::nanoseconds(std::min<uint64_t>(ticks, kTimebaseHz / 1000) *
                                               (1'000'000'000 / kTimebaseHz));
    wait_cv_.wait_for(lock, wait);
  }
}

void Machine::run_hart_thread(Hart& h) {
  constexpr uint64_t kBlock = 16384;
  HostTimeMeter meter;
  while (!stop_requested()) {
    if (h.park.load() != Hart::kRunning) {  // in no running partition: idle until one starts
      meter.settle();
      std::unique_lock<std::mutex> lock(wait_mu_);
      int requested = Hart::kRequested;  // not if a start made it kRunning meanwhile
      if (h.park.compare_exchange_strong(requested, Hart::kParked))
        wait_cv_.notify_all();  // a start may wait for this hart to be free
      wait_cv_.wait(lock, [&] { return stop_requested() || h.park == Hart::kRunning; });
      continue;
    }
    if (h.waiting_for_interrupt) {
      meter.settle();
      wait_for_interrupt(h);
      continue;
    }
    h.poll_interrupts();
    if (stop_requested()) break;
    const uint64_t retired =
        meter.execute(h, cap_to_limit(kBlock, config_.max_insns, total_retired()));
    after_block(h, retired);
  }
  meter.settle();
}

void Machine::run_parallel() {
  std::vector<std::thread> threads;
  for (auto& h : harts_) threads.emplace_back([this, &h] { run_hart_thread(*h); });
  const auto deadline = start_ + std::chrono::duration<double>(config_.timeout_seconds);
  {
    std::unique_lock<std::mutex> lock(wait_mu_);
    while (!stop_requested()) {
      // Deadlock: every hart sleeps and no timer is armed. Only sleeping harts' state is read:
      // their threads hold still while this one holds wait_mu_ (Hart::asleep).
      // A partition in another process may ring any time (docs/distributed.md).
      bool all_waiting = true, timer_armed = config_.remote_harts != 0;
      for (auto& h : harts_)  // idle, not in a partition: cannot be woken
        if (h->park == Hart::kRunning && !h->asleep) all_waiting = false;
      for (auto& h : harts_) {
        if (!all_waiting) break;
        if (h->park != Hart::kRunning) continue;
        timer_armed |= (h->mie & irq::kMtip) && clint_->mtimecmp(h->id()) != ~uint64_t{0};
        timer_armed |= external_interrupt_possible(*h);
        if (h->pending_interrupts() & h->mie) all_waiting = false;
      }
      if (all_waiting && !timer_armed) {
        std::string message = deadlock_message();  // while the harts still sleep
        lock.unlock();
        request_stop(StopReason::kDeadlock, exit_code::kDeadlock, std::move(message));
        lock.lock();
        break;
      }
      if (config_.timeout_seconds > 0 && std::chrono::steady_clock::now() > deadline) {
        lock.unlock();
        request_stop(
            StopReason::kTimeout, exit_code::kTimeout,
            fmt::format("the guest did not finish within --timeout {} s", config_.timeout_seconds));
        lock.lock();
        break;
      }
      wait_cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }
  for (auto& t : threads) t.join();
}

}  // namespace unitag
