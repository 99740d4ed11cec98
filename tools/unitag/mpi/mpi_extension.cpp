// `unitag run` under `mpirun -np K`: each rank simulates the partitions mapped to it, channel
// memory is an MPI window (channel_memory.h), doorbells and the run's global facts (stop, exit
// code, --max-insns, --stats) travel as MPI messages. docs/distributed.md has the rules.
#include <fmt/format.h>
#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "machine/errors.h"
#include "tools/unitag/mpi/channel_memory.h"
#include "tools/unitag/run_extension.h"

namespace unitag {
namespace {

enum Tag : int { kDoorbell = 1, kStop = 2, kShutdown = 3, kCount = 4, kStats = 5 };

// A stop as it travels between ranks: the fields of RunResult and the rank it came from.
struct WireStop {
  int32_t rank = 0, reason = 0, exit_code = 0, hart = -1;
  uint64_t pc = 0;
  char message[2048] = {};
};

WireStop to_wire(const RunResult& r, int rank) {
  WireStop w;
  w.rank = rank;
  w.reason = static_cast<int32_t>(r.reason);
  w.exit_code = r.exit_code;
  w.hart = r.hart;
  w.pc = r.pc;
  std::snprintf(w.message, sizeof w.message, "%s", r.message.c_str());
  return w;
}

// Under `mpirun`: Open MPI tells every process how many there are before MPI_Init.
int launched_ranks() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  return size ? std::atoi(size) : 0;
}

class MpiExtension final : public RunExtension {
 public:
  void add_options(CLI::App& run) override {
    run.add_option("--mpi-map", map_text_,
                   "Under mpirun: the rank of each partition, e.g. 0,1,1,0 (default: round-robin, "
                   "partition p on rank p mod K)");
    run.add_option("--mpi-latency-cycles", latency_cycles_,
                   "Under mpirun: modeled cycles each store or atomic of a hart to channel memory "
                   "costs (default 100)");
    run.add_option("--mpi-channel", transport_text_,
                   "Under mpirun: how ranks reach channel memory: shared (a shared-memory window, "
                   "ranks on one host), rma (one-sided RMA to rank 0, any hosts) or auto (shared "
                   "when every rank is on one host; the default)")
        ->check(CLI::IsMember({"auto", "shared", "rma"}));
  }

  void configure(MachineConfig& cfg) override {
    const int launched = launched_ranks();
    if (launched <= 1) {  // -np 1 is the one-process run, whatever the rank options say
      if (launched == 0 && (!map_text_.empty() || transport_text_ != "auto"))
        throw UserError(exit_code::kUsage,
                        fmt::format("{}: start the run with mpirun -np K (see "
                                    "docs/distributed.md)",
                                    map_text_.empty()
                                        ? "--mpi-channel chooses how MPI ranks reach channel memory"
                                        : "--mpi-map places partitions on MPI ranks"));
      return;
    }
    if (cfg.partitions.empty())
      throw UserError(exit_code::kUsage,
                      "under mpirun every rank simulates partitions: give --partition (e.g. "
                      "--harts 2 --partition 0 --partition 1)");
    if (cfg.elastic)
      throw UserError(exit_code::kUsage, "--elastic partitions cannot run under mpirun yet");
    ranks_ = launched;
    plan_ranks(cfg);  // before MPI starts: a bad map stops every rank alike, with nothing to undo
    // Open MPI 4.1's default one-sided component (osc/rdma) crashes in compare-and-swap over
    // the shared-memory transport (vader's emulated atomics): shared memory on one host, UCX
    // between hosts, unless the user chose.
    setenv("OMPI_MCA_osc", "sm,ucx", 0);
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
    initialised_ = true;
    if (provided < MPI_THREAD_MULTIPLE)
      throw UserError(exit_code::kUsage,
                      "this MPI library does not offer MPI_THREAD_MULTIPLE, which harts in "
                      "parallel need");
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    MPI_Comm_rank(comm_, &rank_);
    for (size_t p = 0; p < cfg.partitions.size(); ++p)
      if (rank_of_[p] != rank_) cfg.remote_harts |= cfg.partitions[p].harts;
    const bool one_host = all_ranks_on_one_host(comm_);
    if (transport_text_ == "shared" && !one_host) {
      finished_ = true;  // every rank found the same: they end together, nothing to abort
      throw UserError(exit_code::kUsage,
                      "--mpi-channel shared needs every rank on one host; these ranks span "
                      "several: use --mpi-channel rma (or auto)");
    }
    transport_ = transport_text_ == "rma" || !one_host ? ChannelMemory::Transport::kRma
                                                       : ChannelMemory::Transport::kShared;
    window_ = ChannelMemory::create(transport_, comm_, cfg.channel_mem, latency_cycles_);
    cfg.channel_device = window_.get();
    cfg.remote_msip = [this](unsigned hart, uint32_t value) {
      const int owner = owner_of_hart(hart);
      if (owner < 0 || owner == rank_) return false;
      const uint32_t msg[2] = {hart, value};
      MPI_Send(msg, 2, MPI_UINT32_T, owner, kDoorbell, comm_);
      reply_expected_.store(true, std::memory_order_relaxed);  // e.g. an RPC's answer
      return true;
    };
    max_insns_ = cfg.max_insns;
  }

  void attach(Machine& machine, const ElfImage&, const ElfImage*) override {
    if (window_) window_->charge(&machine);
  }

  std::optional<RunResult> run(Machine& machine) override {
    if (!window_) return std::nullopt;
    counts_.assign(static_cast<size_t>(ranks_), 0);
    std::thread progress([&] { serve(machine); });
    const RunResult local = machine.run();
    if (rank_ == 0) {
      decide(machine, to_wire(local, 0));
    } else if (!shutdown_.load()) {
      const WireStop w = to_wire(local, rank_);
      MPI_Send(&w, sizeof w, MPI_BYTE, 0, kStop, comm_);
    }
    while (!shutdown_.load()) std::this_thread::sleep_for(std::chrono::microseconds(200));
    serving_ = false;
    progress.join();
    MPI_Barrier(comm_);  // no rank frees the window while another still reads it
    RunResult result = local;
    result.reason = static_cast<StopReason>(decisive_.reason);
    result.exit_code = decisive_.exit_code;
    result.hart = decisive_.hart;
    result.pc = decisive_.pc;
    // Rank 0 speaks for the run; the others would only repeat it.
    result.message = rank_ == 0 ? decisive_.message : "";
    return result;
  }

  void finish(Machine& machine, const RunResult&, nlohmann::json& stats) override {
    if (!window_) return;
    finished_ = true;
    stats["mpi"] = {{"rank", rank_},
                    {"channel_transport", transport_name()},
                    {"channel_reads", window_->reads()},
                    {"channel_writes", window_->writes()}};
    const std::string mine = stats.dump();
    int length = static_cast<int>(mine.size());
    std::vector<int> lengths(static_cast<size_t>(ranks_));
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm_);
    std::vector<int> offsets(static_cast<size_t>(ranks_), 0);
    for (size_t r = 1; r < offsets.size(); ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
    std::string all(rank_ == 0 ? static_cast<size_t>(offsets.back() + lengths.back()) : 0, '\0');
    MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
                0, comm_);
    window_->charge(nullptr);
    if (rank_ != 0) {
      stats = nullptr;  // rank 0 writes the one report
      return;
    }
    std::vector<nlohmann::json> per_rank;
    for (size_t r = 0; r < offsets.size(); ++r)
      per_rank.push_back(nlohmann::json::parse(
          all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(lengths[r]))));
    merge_stats(stats, per_rank);
  }

  void detach(Machine&) override {
    if (!initialised_) return;
    if (!finished_) {  // an error on this rank after the others started: end them all
      std::cerr << fmt::format("unitag: rank {} failed before the run's end; aborting every rank\n",
                               rank_);
      MPI_Abort(MPI_COMM_WORLD, exit_code::kInternal);
    }
    window_.reset();
    MPI_Comm_free(&comm_);
    MPI_Finalize();
    initialised_ = false;
  }

 private:
  void plan_ranks(const MachineConfig& cfg) {
    const size_t n = cfg.partitions.size();
    rank_of_.clear();
    if (map_text_.empty()) {
      for (size_t p = 0; p < n; ++p) rank_of_.push_back(static_cast<int>(p % ranks_));
    } else {
      size_t pos = 0;
      while (pos <= map_text_.size()) {
        const size_t comma = std::min(map_text_.find(',', pos), map_text_.size());
        const std::string item = map_text_.substr(pos, comma - pos);
        char* end = nullptr;
        const long r = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || r < 0 || r >= ranks_)
          throw UserError(exit_code::kUsage,
                          fmt::format("--mpi-map {}: '{}' is not a rank from 0 to {}", map_text_,
                                      item, ranks_ - 1));
        rank_of_.push_back(static_cast<int>(r));
        pos = comma + 1;
      }
      if (rank_of_.size() != n)
        throw UserError(exit_code::kUsage,
                        fmt::format("--mpi-map {} names {} ranks for {} partitions; give one per "
                                    "--partition",
                                    map_text_, rank_of_.size(), n));
    }
    hart_owner_.assign(64, -1);
    for (size_t p = 0; p < n; ++p)
      for (unsigned h = 0; h < 64; ++h)
        if (cfg.partitions[p].harts >> h & 1) hart_owner_[h] = rank_of_[p];
  }

  const char* transport_name() const {
    return transport_ == ChannelMemory::Transport::kShared ? "shared" : "rma";
  }

  int owner_of_hart(unsigned hart) const { return hart < 64 ? hart_owner_[hart] : -1; }

  // The progress thread: doorbells for local harts, and on rank 0 the stops and instruction
  // counts of the others; elsewhere the shutdown rank 0 decided. MPI offers no blocking wait
  // that does not spin, so the thread polls. Polling every 20 us for a whole run took a core's
  // worth of wake-ups from the harts (two ranks on two cores ran no faster than one process), so
  // it polls fast only for a while after a message arrives or a local hart rings (an exchange
  // may go on: a doorbell, then its reply), and slower and slower while nothing happens.
  void serve(Machine& machine) {
    using std::chrono::microseconds;
    constexpr microseconds kBusyPoll{20}, kIdlePoll{320};
    constexpr std::chrono::milliseconds kBurst{2};
    auto last_count = std::chrono::steady_clock::now(), last_activity = last_count;
    microseconds poll = kBusyPoll;
    while (serving_.load()) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &status);
      const auto now = std::chrono::steady_clock::now();
      if (flag || reply_expected_.exchange(false, std::memory_order_relaxed)) last_activity = now;
      if (!flag) {
        if (max_insns_ && rank_ != 0 && now - last_count > std::chrono::milliseconds(5)) {
          const uint64_t n = machine.total_retired();
          MPI_Send(&n, 1, MPI_UINT64_T, 0, kCount, comm_);
          last_count = now;
        }
        poll = now - last_activity < kBurst ? kBusyPoll : std::min(poll * 2, kIdlePoll);
        std::this_thread::sleep_for(poll);
        continue;
      }
      if (status.MPI_TAG == kDoorbell) {
        uint32_t msg[2];
        MPI_Recv(msg, 2, MPI_UINT32_T, status.MPI_SOURCE, kDoorbell, comm_, MPI_STATUS_IGNORE);
        machine.clint().write(Clint::kMsipOffset + 4ull * msg[0], 4, msg[1], msg[0]);
      } else if (status.MPI_TAG == kStop || status.MPI_TAG == kShutdown) {
        WireStop w;
        MPI_Recv(&w, sizeof w, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_,
                 MPI_STATUS_IGNORE);
        if (status.MPI_TAG == kStop)
          decide(machine, w);
        else
          adopt(machine, w);
      } else if (status.MPI_TAG == kCount) {
        uint64_t n = 0;
        MPI_Recv(&n, 1, MPI_UINT64_T, status.MPI_SOURCE, kCount, comm_, MPI_STATUS_IGNORE);
        counts_[static_cast<size_t>(status.MPI_SOURCE)] = n;
        uint64_t total = machine.total_retired();
        for (size_t r = 1; r < counts_.size(); ++r) total += counts_[r];
        if (total >= max_insns_) {
          RunResult r;
          r.reason = StopReason::kMaxInsns;
          r.exit_code = exit_code::kMaxInsns;
          r.message = fmt::format(
              "the guest retired {} instructions over all ranks without finishing "
              "(--max-insns {})",
              total, max_insns_);
          WireStop w = to_wire(r, 0);
          decide(machine, w, false);
        }
      } else {
        std::vector<char> skip(1 << 16);
        MPI_Recv(skip.data(), static_cast<int>(skip.size()), MPI_BYTE, status.MPI_SOURCE,
                 status.MPI_TAG, comm_, MPI_STATUS_IGNORE);
      }
    }
  }

  // Rank 0: the first stop reported (its own or another rank's) ends the run everywhere.
  void decide(Machine& machine, WireStop w, bool name_rank = true) {
    std::lock_guard<std::mutex> lock(decide_mu_);
    if (shutdown_.load()) return;
    if (name_rank && (w.message[0] != '\0' || w.exit_code != 0)) {
      std::string parts;
      for (size_t p = 0; p < rank_of_.size(); ++p)
        if (rank_of_[p] == w.rank) parts += (parts.empty() ? "" : ",") + std::to_string(p);
      const std::string text =
          w.message[0] != '\0'
              ? fmt::format("rank {}: {}", w.rank, w.message)
              : fmt::format(
                    "rank {} (partitions {}) ended the run with exit code {}; every rank "
                    "was stopped",
                    w.rank, parts, w.exit_code);
      std::snprintf(w.message, sizeof w.message, "%s", text.c_str());
    }
    for (int r = 1; r < ranks_; ++r) MPI_Send(&w, sizeof w, MPI_BYTE, r, kShutdown, comm_);
    adopt(machine, w);
  }

  void adopt(Machine& machine, const WireStop& w) {
    decisive_ = w;
    machine.request_stop(static_cast<StopReason>(w.reason), w.exit_code, w.message, w.hart, w.pc);
    shutdown_ = true;
  }

  // One report for the run: every rank's harts and partitions from the rank that ran them.
  void merge_stats(nlohmann::json& stats, const std::vector<nlohmann::json>& per_rank) {
    uint64_t total = 0, reads = 0, writes = 0;
    nlohmann::json ranks = nlohmann::json::array();
    for (size_t r = 0; r < per_rank.size(); ++r) {
      const nlohmann::json& s = per_rank[r];
      std::vector<size_t> parts;
      for (size_t p = 0; p < rank_of_.size(); ++p)
        if (rank_of_[p] == static_cast<int>(r)) parts.push_back(p);
      uint64_t instructions = 0;
      for (size_t p : parts) {
        stats["partitions"][p] = s["partitions"][p];
        stats["partitions"][p]["rank"] = r;
        instructions += s["partitions"][p]["instructions"].get<uint64_t>();
      }
      for (unsigned h = 0; h < 64 && h < stats["per_hart"].size(); ++h)
        if (hart_owner_[h] == static_cast<int>(r)) stats["per_hart"][h] = s["per_hart"][h];
      total += instructions;
      reads += s["mpi"]["channel_reads"].get<uint64_t>();
      writes += s["mpi"]["channel_writes"].get<uint64_t>();
      ranks.push_back({{"rank", r},
                       {"partitions", parts},
                       {"instructions", instructions},
                       {"wall_seconds", s["wall_seconds"]},
                       {"channel_reads", s["mpi"]["channel_reads"]},
                       {"channel_writes", s["mpi"]["channel_writes"]}});
    }
    stats["instructions"] = total;
    const double wall = stats["wall_seconds"].get<double>();
    stats["mips"] = wall > 0 ? static_cast<double>(total) / wall / 1e6 : 0.0;
    stats["mpi"] = {{"ranks", ranks_},
                    {"rank_of_partition", rank_of_},
                    {"channel_transport", transport_name()},
                    {"latency_cycles_per_write", latency_cycles_},
                    {"channel_reads", reads},
                    {"channel_writes", writes},
                    {"per_rank", ranks}};
  }

  std::string map_text_;
  uint64_t latency_cycles_ = 100;
  bool initialised_ = false, finished_ = false;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, ranks_ = 1;
  std::vector<int> rank_of_, hart_owner_;
  std::string transport_text_ = "auto";
  ChannelMemory::Transport transport_ = ChannelMemory::Transport::kRma;
  std::unique_ptr<ChannelMemory> window_;
  uint64_t max_insns_ = 0;
  std::vector<uint64_t> counts_;
  std::atomic<bool> serving_{true}, shutdown_{false}, reply_expected_{false};
  std::mutex decide_mu_;
  WireStop decisive_;
};

}  // namespace

std::unique_ptr<RunExtension> make_mpi_extension() { return std::make_unique<MpiExtension>(); }

}  // namespace unitag
