// The gdb remote stub of `unitag run --gdb PORT`: listens on 127.0.0.1, answers gdb's packets
// (registers, memory, breakpoints, watchpoints, steps, one thread per hart, monitor commands)
// and drives the machine itself in deterministic turns, stopping when DebugHooks asks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "machine/machine.h"
#include "tools/unitag/debug/debug_hooks.h"
#include "tools/unitag/debug/rsp.h"

namespace unitag {

struct GdbOptions {
  int port = -1;      // 0: any free port (printed on stderr)
  bool wait = false;  // wait for gdb before the first instruction
};

class GdbServer {
 public:
  // `tag_hooks[h]`: the hooks hart h had before the debugger (a tag engine) or null; monitor
  // commands go to them.
  GdbServer(Machine& machine, GdbOptions options, DebugHooks& hooks,
            std::vector<ExecutionHooks*> tag_hooks);
  ~GdbServer();

  // Binds 127.0.0.1:port; throws UserError when it cannot. Prints the port on stderr.
  void listen();
  int port() const { return port_; }
  // Serves a debugger already connected on `fd` (owned from now on) as if it had just attached:
  // what accepting on the listening socket does, and how the RSP fuzz target feeds packets.
  void attach_connection(int fd);
  // Runs the machine to its end, serving gdb whenever one is attached.
  RunResult run();

 private:
  enum class Next { kStay, kResume, kDetach, kKill };
  void accept_connection(bool blocking);
  Next handle(const std::string& packet);
  std::string stop_reply();
  void report_stop();
  void resume(const std::vector<bool>& step_harts);
  // A machine stop (request or step/watch) while running: true when the run is over.
  bool on_machine_stop(RunResult& final_result);

  std::string read_registers();
  bool write_registers(std::string_view hex);
  std::optional<std::string> read_register(unsigned regnum);
  bool write_register(unsigned regnum, uint64_t value);
  std::string read_memory(uint64_t addr, uint64_t length);
  bool write_memory(uint64_t addr, const std::vector<uint8_t>& bytes);
  std::string target_xml() const;
  std::string handle_query(const std::string& packet);
  std::string handle_vcont(const std::string& packet, Next& next);
  std::string monitor(const std::string& command);
  Hart& current_hart() { return machine_.hart(current_); }
  std::optional<unsigned> parse_thread(std::string_view text) const;

  Machine& machine_;
  GdbOptions options_;
  DebugHooks& hooks_;
  std::vector<ExecutionHooks*> tag_hooks_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::unique_ptr<RspConnection> conn_;
  bool halted_ = false;
  unsigned current_ = 0;  // hart for registers (Hg) and stop replies
  bool step_only_ = false;
  // The last stop, as gdb is told by '?' and stop replies.
  int signal_ = 5;
  std::optional<DebugStop> last_stop_;
  bool swbreak_feature_ = false, hwbreak_feature_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace unitag
