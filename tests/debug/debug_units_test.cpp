// Units of the debugging tools on the real machine model: the RSP encodings, hook composition,
// the tracer next to a tag engine, and the gdb stub spoken to over a socket (tag violation as a
// SIGSEGV stop, monitor commands forwarded to the tag engine, Ctrl-C, exit status).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "machine/hart/hook_chain.h"
#include "machine/machine.h"
#include "tools/unitag/debug/debug_hooks.h"
#include "tools/unitag/debug/gdb_server.h"
#include "tools/unitag/debug/rsp.h"
#include "tools/unitag/debug/tracer.h"

namespace unitag {
namespace {

constexpr uint64_t kBase = 0x80000000;
// addi a0,zero,7; addi a1,zero,1; addi a1,a1,1; j .; then at +0x10: the test finisher's "pass".
constexpr uint32_t kProgram[] = {0x00700513, 0x00100593, 0x00158593, 0x0000006f, 0x001002b7,
                                 0x00005337, 0x55530313, 0x0062a023, 0x0000006f};
constexpr uint64_t kViolationPc = kBase + 8, kLoopPc = kBase + 12, kExitPc = kBase + 16;

MachineConfig config() {
  MachineConfig c;
  c.mem_size = 1 << 20;
  c.deterministic = true;
  c.quantum = 1000;
  return c;
}

void load_program(Machine& m) {
  m.hart(0).poke(kBase, kProgram, sizeof kProgram);
  m.hart(0).pc = kBase;
}

// Stands in for the tag engine: denies the instruction at kViolationPc once, answers "tag x10".
class FakeTagEngine final : public ExecutionHooks {
 public:
  explicit FakeTagEngine(Machine& m) : machine_(m) {}
  bool before_instruction(Hart& hart, const DecodedInsn&, uint64_t pc) override {
    last_pc_ = pc;
    if (pc == kViolationPc && !fired_) {
      fired_ = true;
      machine_.request_stop(StopReason::kTagViolation, 122, "fake: add of a secret", 0, pc);
      return false;
    }
    return true;
  }
  void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
  void on_trap(Hart&, uint64_t, uint64_t) override {}
  std::string describe_last(const Hart&) const override {
    return fmt::format("rule@{:x}", last_pc_);
  }
  std::string monitor(Hart& hart, const std::string& command) override {
    return command == "tag x10" ? fmt::format("x10 = {} tag fake-clean", hart.x[10]) : "";
  }

 private:
  Machine& machine_;
  uint64_t last_pc_ = 0;
  bool fired_ = false;
};

TEST(Rsp, ChecksumHexAndEscapesRoundTrip) {
  EXPECT_EQ(rsp_checksum("OK"), 0x9a);
  EXPECT_EQ(hex_le(0x80000004, 8), "0400008000000000");
  EXPECT_EQ(parse_hex_le("0400008000000000"), 0x80000004u);
  EXPECT_EQ(parse_hex("80001000"), 0x80001000u);
  EXPECT_FALSE(parse_hex("80g"));
  const std::string binary("a#b$c}d*e\x03", 10);
  EXPECT_EQ(rsp_escape(binary).find_first_of("#$*"), std::string::npos);
  EXPECT_EQ(rsp_unescape(rsp_escape(binary)), binary);
  EXPECT_EQ(hex_encode("hi"), "6869");
  EXPECT_FALSE(hex_decode("6"));
}

TEST(HookChain, FirstSuppressingHidesTheInstructionFromTheSecond) {
  Machine m(config());
  load_program(m);
  FakeTagEngine engine(m);
  DebugHooks debug(m, 1);  // no breakpoints: passes everything through
  HookChain chain(debug, engine);
  m.hart(0).set_hooks(&chain);
  const RunResult r = m.run();
  EXPECT_EQ(r.reason, StopReason::kTagViolation);
  EXPECT_EQ(m.hart(0).pc, kViolationPc);  // suppressed, not executed
  EXPECT_EQ(m.hart(0).x[11], 1u);
  EXPECT_EQ(chain.monitor(m.hart(0), "tag x10"), "x10 = 7 tag fake-clean");
  EXPECT_EQ(chain.describe_last(m.hart(0)), fmt::format("rule@{:x}", kViolationPc));
}

TEST(Tracer, AppendsTheTagEnginesDecisionAndTheViolation) {
  Machine m(config());
  load_program(m);
  FakeTagEngine engine(m);
  std::FILE* out = std::tmpfile();
  Tracer tracer(out, m, TraceOptions{}, {&engine});
  HookChain chain(engine, tracer);
  m.hart(0).set_hooks(&chain);
  const RunResult r = m.run();
  ASSERT_EQ(r.reason, StopReason::kTagViolation);
  Hart* harts[] = {&m.hart(0)};
  tracer.finish({harts[0]}, r.hart, r.pc, "tag violation: " + r.message);
  std::rewind(out);
  char buf[4096] = {};
  const size_t n = std::fread(buf, 1, sizeof buf - 1, out);
  std::fclose(out);
  const std::string text(buf, n);
  EXPECT_NE(text.find("h0 0x0000000080000000 0x80000000"), std::string::npos) << text;
  EXPECT_NE(text.find("addi a0, zero, 7"), std::string::npos) << text;
  EXPECT_NE(text.find("a0=0x0000000000000007 | rule@80000000"), std::string::npos) << text;
  EXPECT_NE(text.find("a1=0x0000000000000001 | rule@80000004"), std::string::npos) << text;
  EXPECT_NE(text.find("h0 0x0000000080000008 0x80000008               00158593 addi a1, a1, 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stopped: tag violation: fake: add of a secret | rule@80000008\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(tracer.lines(), 3u);
}

// A minimal gdb: sends packets, acknowledges replies.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const int one = 1;  // as gdb does: no Nagle delay between an ack and the next packet
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& payload) {
    const std::string p = fmt::format("${}#{:02x}", payload, rsp_checksum(payload));
    ASSERT_EQ(::write(fd_, p.data(), p.size()), static_cast<ssize_t>(p.size()));
  }
  void send_raw(char c) { ASSERT_EQ(::write(fd_, &c, 1), 1); }
  // The next packet's payload (acknowledged).
  std::string receive() {
    std::string packet;
    char c;
    bool in = false;
    while (::read(fd_, &c, 1) == 1) {
      if (!in) {
        in = c == '$';
        continue;
      }
      if (c == '#') {
        char sum[2];
        if (::read(fd_, sum, 2) != 2) break;
        EXPECT_EQ(::write(fd_, "+", 1), 1);
        return packet;
      }
      packet += c;
    }
    return "<closed>";
  }
  // Sends a request; returns the reply, with console output ('O' packets) collected.
  std::string request(const std::string& payload, std::string* console = nullptr) {
    send(payload);
    for (;;) {
      std::string reply = receive();
      if (reply.size() > 1 && reply[0] == 'O' && reply != "OK") {
        const auto bytes = hex_decode(std::string_view(reply).substr(1));
        if (console && bytes) console->append(bytes->begin(), bytes->end());
        continue;
      }
      return reply;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

TEST(GdbServer, ViolationStopsIntoTheDebuggerAndMonitorReachesTheTagEngine) {
  Machine m(config());
  load_program(m);
  FakeTagEngine engine(m);
  DebugHooks debug(m, 1);
  HookChain chain(debug, engine);
  m.hart(0).set_hooks(&chain);
  GdbServer server(m, GdbOptions{0, true}, debug, {&engine});
  server.listen();
  RunResult result;
  std::thread runner([&] { result = server.run(); });
  {
    Client gdb(server.port());
    ASSERT_TRUE(gdb.connected());
    EXPECT_EQ(gdb.request("?"), "T05thread:1;");
    EXPECT_EQ(gdb.request("p20"), hex_le(kBase, 8));
    EXPECT_EQ(gdb.request("m80000000,4"), "13057000");
    std::string console;
    EXPECT_EQ(gdb.request("qRcmd," + hex_encode("tag x10"), &console), "OK");
    EXPECT_EQ(console, "x10 = 0 tag fake-clean\n");
    console.clear();
    EXPECT_EQ(gdb.request("qRcmd," + hex_encode("frobnicate"), &console), "OK");
    EXPECT_NE(console.find("unknown monitor command `frobnicate`"), std::string::npos) << console;

    // A hardware breakpoint stops before its instruction; continuing steps over it.
    EXPECT_EQ(gdb.request("Z1,80000004,4"), "OK");
    EXPECT_EQ(gdb.request("c"), "T05thread:1;");
    EXPECT_EQ(gdb.request("p20"), hex_le(kBase + 4, 8));
    EXPECT_EQ(gdb.request("pa"), hex_le(7, 8));
    EXPECT_EQ(gdb.request("z1,80000004,4"), "OK");

    // The violation is a SIGSEGV stop with the report on the console, not the end of the run.
    console.clear();
    EXPECT_EQ(gdb.request("c", &console), "T0bthread:1;");
    EXPECT_NE(console.find("tag violation: fake: add of a secret"), std::string::npos) << console;
    EXPECT_EQ(gdb.request("p20"), hex_le(kViolationPc, 8));

    // Resume (the fake denies only once) into the endless loop, interrupt it with Ctrl-C.
    gdb.send("c");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gdb.send_raw('\x03');
    EXPECT_EQ(gdb.receive(), "T02thread:1;");
    // Under load the interrupt may arrive before the resumed hart ran at all.
    const std::string pc = gdb.request("p20");
    EXPECT_TRUE(pc == hex_le(kLoopPc, 8) || pc == hex_le(kViolationPc, 8)) << pc;
    if (pc == hex_le(kLoopPc, 8)) {
      EXPECT_EQ(gdb.request("pb"), hex_le(2, 8));
    }

    // Jump to the exit code: gdb is told the process exited with status 0.
    EXPECT_EQ(gdb.request("P20=" + hex_le(kExitPc, 8)), "OK");
    EXPECT_EQ(gdb.request("c"), "W00");
  }
  runner.join();
  EXPECT_EQ(result.reason, StopReason::kGuestExit);
  EXPECT_EQ(result.exit_code, 0);
}

TEST(DebugHooks, WriteWatchpointStopsAfterTheStore) {
  Machine m(config());
  // auipc t0,0 (t0 = 0x80000000); addi a0,zero,5; sd a0,64(t0); j .
  const uint32_t program[] = {0x00000297, 0x00500513, 0x04a2b023, 0x0000006f};
  m.hart(0).poke(kBase, program, sizeof program);
  m.hart(0).pc = kBase;
  DebugHooks debug(m, 1);
  m.hart(0).set_hooks(&debug);
  ASSERT_TRUE(debug.insert(2, kBase + 64, 8));
  debug.resume({false});
  bool stopped = false;
  for (int i = 0; i < 10 && !stopped; ++i) {
    m.run_turn(1);
    if (m.stop_requested()) {
      EXPECT_EQ(m.clear_stop().reason, StopReason::kDebugger);
      const auto why = debug.take_stop();
      ASSERT_TRUE(why);
      EXPECT_EQ(why->kind, DebugStop::Kind::kWatchpoint);
      stopped = true;
    } else if (const auto why = debug.pending_stop()) {
      EXPECT_EQ(why->kind, DebugStop::Kind::kWatchpoint);
      EXPECT_EQ(why->data_address, kBase + 64);
      EXPECT_EQ(why->watch_kind, 'w');
      stopped = true;
    }
  }
  ASSERT_TRUE(stopped);
  EXPECT_EQ(m.hart(0).pc, kBase + 12);  // after the store
  uint64_t stored = 0;
  m.hart(0).peek(kBase + 64, &stored, 8);
  EXPECT_EQ(stored, 5u);
}

}  // namespace
}  // namespace unitag
