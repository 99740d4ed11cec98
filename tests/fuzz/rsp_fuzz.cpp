// The gdb remote protocol on arbitrary bytes from the debugger's side: the encoding helpers
// round-trip, and a GdbServer attached to a socketpair parses and answers whatever arrives
// (framing, checksums, register/memory/breakpoint packets, resumes) on a small machine that
// ends within an instruction limit once the bytes run out.
#include <fmt/format.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "machine/machine.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tools/unitag/debug/debug_hooks.h"
#include "tools/unitag/debug/gdb_server.h"

namespace unitag::fuzz {
namespace {

constexpr size_t kMaxInput = 64 * 1024;  // well inside a socketpair's buffer
constexpr uint32_t kSelfLoop = 0x0000006f;

void check_encodings(std::string_view bytes) {
  FUZZ_CHECK(rsp_unescape(rsp_escape(bytes)) == bytes);
  const auto decoded = hex_decode(hex_encode(bytes));
  FUZZ_CHECK(decoded && std::string(decoded->begin(), decoded->end()) == bytes);
  (void)hex_decode(bytes);
  if (const auto v = parse_hex(bytes.substr(0, 16)))
    FUZZ_CHECK(fmt::format("{:x}", *v).size() <= bytes.substr(0, 16).size());
  if (const auto v = parse_hex_le(bytes.substr(0, 16)))
    FUZZ_CHECK(hex_le(*v, static_cast<unsigned>(bytes.substr(0, 16).size() / 2)).size() ==
               bytes.substr(0, 16).size());
}

}  // namespace

int rsp(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_encodings(bytes);

  int fds[2];
  FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fds[0], data + sent, size - sent, MSG_NOSIGNAL);
    FUZZ_CHECK(n > 0);
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fds[0], SHUT_WR);
  // Replies are read and dropped, so the server never blocks on a full socket.
  std::thread drain([fd = fds[0]] {
    char buffer[4096];
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
    ::close(fd);
  });

  static std::FILE* const sink = std::fopen("/dev/null", "w");
  MachineConfig cfg;
  cfg.harts = size > 0 && (data[0] & 1) ? 2 : 1;  // '$' is even: one hart for most inputs
  cfg.mem_size = 1 << 20;
  cfg.deterministic = true;
  cfg.quantum = 1000;
  cfg.max_insns = 20000;
  cfg.uart_out = sink;
  cfg.uart_in_fd = -1;
  Machine machine(cfg);
  for (unsigned h = 0; h < machine.hart_count(); ++h) {
    FUZZ_CHECK(machine.hart(h).poke(Bus::kRamBase, &kSelfLoop, 4));
    machine.hart(h).pc = Bus::kRamBase;
  }
  std::ostringstream quiet;
  std::streambuf* const stderr_buffer = std::cerr.rdbuf(quiet.rdbuf());
  {
    DebugHooks hooks(machine, machine.hart_count());
    for (unsigned h = 0; h < machine.hart_count(); ++h) machine.hart(h).set_hooks(&hooks);
    GdbServer server(machine, GdbOptions{}, hooks,
                     std::vector<ExecutionHooks*>(machine.hart_count(), nullptr));
    server.attach_connection(fds[1]);
    const RunResult result = server.run();
    FUZZ_CHECK(result.reason != StopReason::kNone);
    for (unsigned h = 0; h < machine.hart_count(); ++h) machine.hart(h).set_hooks(nullptr);
  }
  std::cerr.rdbuf(stderr_buffer);
  drain.join();
  return 0;
}

}  // namespace unitag::fuzz
