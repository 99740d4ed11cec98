#include "tools/unitag/debug/gdb_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "machine/errors.h"
#include "machine/hart/csr_table.h"
#include "machine/isa/decoder.h"

namespace unitag {
namespace {

constexpr int kSigInt = 2, kSigTrap = 5, kSigSegv = 11;
constexpr int kKilledExitCode = 137;  // 128 + SIGKILL, as a shell reports a killed process
constexpr unsigned kPcRegnum = 32, kFirstFpRegnum = 33, kFirstCsrRegnum = 65;
constexpr unsigned kPrivRegnum = kFirstCsrRegnum + 4096;  // gdb's riscv "virtual" feature
constexpr uint64_t kMaxMemoryPacket = 0x1000;

// FP status CSRs are in gdb's FPU feature, the others in its CSR feature.
bool is_fp_csr(unsigned number) {
  return number == csr::kFflags || number == csr::kFrm || number == csr::kFcsr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// "addr,length" as in m, M, X and Z packets.
bool parse_addr_length(std::string_view text, uint64_t& addr, uint64_t& length) {
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  const auto a = parse_hex(text.substr(0, comma)), l = parse_hex(text.substr(comma + 1));
  if (!a || !l) return false;
  addr = *a;
  length = *l;
  return true;
}

}  // namespace

GdbServer::GdbServer(Machine& machine, GdbOptions options, DebugHooks& hooks,
                     std::vector<ExecutionHooks*> tag_hooks)
    : machine_(machine), options_(options), hooks_(hooks), tag_hooks_(std::move(tag_hooks)) {}

GdbServer::~GdbServer() {
  conn_.reset();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void GdbServer::listen() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    throw UserError(exit_code::kInternal, fmt::format("--gdb: socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options_.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never reachable from other machines
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      ::listen(listen_fd_, 1) < 0)
    throw UserError(
        exit_code::kUsage,
        fmt::format("--gdb {}: cannot listen on 127.0.0.1:{} ({}); pick another port, or 0 "
                    "for any free one",
                    options_.port, options_.port, std::strerror(errno)));
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  std::cerr << fmt::format("unitag: gdb: listening on 127.0.0.1:{}{}\n", port_,
                           options_.wait ? " (waiting for gdb before the first instruction)" : "");
  std::cerr.flush();
}

void GdbServer::accept_connection(bool blocking) {
  pollfd p{listen_fd_, POLLIN, 0};
  if (::poll(&p, 1, blocking ? -1 : 0) <= 0) return;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // one packet per round trip
  attach_connection(fd);
}

void GdbServer::attach_connection(int fd) {
  conn_ = std::make_unique<RspConnection>(fd);
  halted_ = true;
  signal_ = kSigTrap;
  last_stop_.reset();
  swbreak_feature_ = hwbreak_feature_ = false;
  std::cerr << "unitag: gdb: debugger attached\n";
}

RunResult GdbServer::run() {
  start_ = std::chrono::steady_clock::now();
  if (options_.wait) accept_connection(true);
  RunResult result;
  const uint64_t quantum = machine_.config().quantum;
  for (;;) {
    if (conn_ && halted_) {
      const auto packet = conn_->read_packet();
      if (!packet) {  // gdb went away without detaching: carry on as if it had
        std::cerr << "unitag: gdb: connection closed; the program continues\n";
        conn_.reset();
        hooks_.clear();
        resume({});
        continue;
      }
      if (handle(*packet) == Next::kKill) {
        result.reason = StopReason::kDebugger;
        result.exit_code = kKilledExitCode;
        result.message = "killed from gdb";
        break;
      }
      continue;
    }
    if (conn_) {
      if (conn_->interrupt_requested()) {
        signal_ = kSigInt;
        last_stop_.reset();
        halted_ = true;
        report_stop();
        continue;
      }
      if (conn_->closed()) {
        conn_.reset();
        hooks_.clear();
        step_only_ = false;
      }
    } else {
      accept_connection(false);
      if (conn_) continue;
    }
    machine_.run_turn(step_only_ ? std::min<uint64_t>(quantum, 100) : quantum);
    if (on_machine_stop(result)) break;
  }
  machine_.uart().flush();
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return result;
}

bool GdbServer::on_machine_stop(RunResult& final_result) {
  if (machine_.stop_requested()) {
    RunResult r = machine_.clear_stop();
    if (r.reason == StopReason::kDebugger) {
      last_stop_ = hooks_.take_stop();
      signal_ = kSigTrap;
      if (last_stop_) current_ = last_stop_->hart;
      halted_ = true;
      report_stop();
      return false;
    }
    if (r.reason == StopReason::kTagViolation && conn_) {
      conn_->send_console(fmt::format("unitag: tag violation: {}\n", r.message));
      signal_ = kSigSegv;
      last_stop_.reset();
      if (r.hart >= 0) current_ = static_cast<unsigned>(r.hart);
      halted_ = true;
      report_stop();
      return false;
    }
    if (conn_) {
      machine_.uart().flush();
      if (!r.message.empty() && r.reason != StopReason::kGuestExit)
        conn_->send_console(fmt::format("unitag: stopped: {}\n", r.message));
      conn_->send(r.reason == StopReason::kGuestExit ? fmt::format("W{:02x}", r.exit_code & 0xff)
                                                     : fmt::format("X{:02x}", kSigSegv));
      conn_.reset();
    }
    final_result = r;
    return true;
  }
  if (auto why = hooks_.pending_stop()) {
    last_stop_ = why;
    signal_ = kSigTrap;
    current_ = why->hart;
    halted_ = true;
    step_only_ = false;
    report_stop();
  }
  return false;
}

void GdbServer::resume(const std::vector<bool>& step_harts) {
  hooks_.resume(step_harts);
  step_only_ = false;
  for (bool s : step_harts) step_only_ |= s;
  halted_ = false;
}

std::string GdbServer::stop_reply() {
  std::string r = fmt::format("T{:02x}", signal_);
  if (last_stop_) {
    switch (last_stop_->kind) {
      case DebugStop::Kind::kBreakpoint:
        if (swbreak_feature_) r += "swbreak:;";
        break;
      case DebugStop::Kind::kHardwareBreakpoint:
        if (hwbreak_feature_) r += "hwbreak:;";
        break;
      case DebugStop::Kind::kWatchpoint:
        r += fmt::format("{}:{:x};",
                         last_stop_->watch_kind == 'w'   ? "watch"
                         : last_stop_->watch_kind == 'r' ? "rwatch"
                                                         : "awatch",
                         last_stop_->data_address);
        break;
      case DebugStop::Kind::kStep:
        break;
    }
  }
  return r + fmt::format("thread:{:x};", current_ + 1);
}

void GdbServer::report_stop() {
  machine_.uart().flush();
  step_only_ = false;
  if (conn_) conn_->send(stop_reply());
}

std::optional<unsigned> GdbServer::parse_thread(std::string_view text) const {
  if (text == "-1" || text == "0") return current_;
  const auto id = parse_hex(text);
  if (!id || *id == 0 || *id > machine_.hart_count()) return std::nullopt;
  return static_cast<unsigned>(*id - 1);
}

GdbServer::Next GdbServer::handle(const std::string& packet) {
  if (packet.empty() || packet == "\x03") {
    if (packet == "\x03")
      conn_->send(stop_reply());
    else
      conn_->send("");
    return Next::kStay;
  }
  const std::string_view body = std::string_view(packet).substr(1);
  switch (packet[0]) {
    case '?':
      conn_->send(stop_reply());
      return Next::kStay;
    case 'g':
      conn_->send(read_registers());
      return Next::kStay;
    case 'G':
      conn_->send(write_registers(body) ? "OK" : "E01");
      return Next::kStay;
    case 'p': {
      const auto n = parse_hex(body);
      const auto v = n ? read_register(static_cast<unsigned>(*n)) : std::nullopt;
      conn_->send(v ? *v : "E01");
      return Next::kStay;
    }
    case 'P': {
      const size_t eq = body.find('=');
      const auto n = parse_hex(body.substr(0, eq));
      const auto v =
          eq == std::string_view::npos ? std::nullopt : parse_hex_le(body.substr(eq + 1));
      conn_->send(n && v && write_register(static_cast<unsigned>(*n), *v) ? "OK" : "E01");
      return Next::kStay;
    }
    case 'm': {
      uint64_t addr, length;
      if (!parse_addr_length(body, addr, length))
        conn_->send("E01");
      else
        conn_->send(read_memory(addr, std::min(length, kMaxMemoryPacket)));
      return Next::kStay;
    }
    case 'M':
    case 'X': {
      const size_t colon = body.find(':');
      uint64_t addr, length;
      if (colon == std::string_view::npos ||
          !parse_addr_length(body.substr(0, colon), addr, length)) {
        conn_->send("E01");
        return Next::kStay;
      }
      std::optional<std::vector<uint8_t>> bytes;
      if (packet[0] == 'M') {
        bytes = hex_decode(body.substr(colon + 1));
      } else {
        const std::string raw = rsp_unescape(body.substr(colon + 1));
        bytes.emplace(raw.begin(), raw.end());
      }
      conn_->send(bytes && bytes->size() == length && write_memory(addr, *bytes) ? "OK" : "E01");
      return Next::kStay;
    }
    case 'c':
    case 's':
    case 'C':
    case 'S': {
      // [sig;]addr: an address resumes there.
      std::string_view rest = body;
      if (packet[0] == 'C' || packet[0] == 'S') {
        const size_t semi = rest.find(';');
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      }
      if (!rest.empty()) {
        if (const auto addr = parse_hex(rest)) current_hart().pc = *addr;
      }
      std::vector<bool> step(machine_.hart_count(), false);
      if (packet[0] == 's' || packet[0] == 'S') step[current_] = true;
      resume(step);
      return Next::kResume;
    }
    case 'H': {
      const auto t = body.size() > 1 ? parse_thread(body.substr(1)) : std::nullopt;
      if (t && body[0] == 'g') current_ = *t;
      conn_->send(t ? "OK" : "E01");
      return Next::kStay;
    }
    case 'T':
      conn_->send(parse_thread(body) ? "OK" : "E01");
      return Next::kStay;
    case 'Z':
    case 'z': {
      const size_t comma = body.find(',');
      uint64_t addr, length;
      if (comma == std::string_view::npos || comma != 1 || body[0] < '0' || body[0] > '4' ||
          !parse_addr_length(body.substr(comma + 1), addr, length)) {
        conn_->send("");
        return Next::kStay;
      }
      const int kind = body[0] - '0';
      const bool ok =
          packet[0] == 'Z' ? hooks_.insert(kind, addr, length) : hooks_.remove(kind, addr, length);
      conn_->send(ok ? "OK" : "E01");
      return Next::kStay;
    }
    case 'D':
      conn_->send("OK");
      std::cerr << "unitag: gdb: debugger detached; the program continues\n";
      conn_.reset();
      hooks_.clear();
      resume({});
      return Next::kDetach;
    case 'k':
      return Next::kKill;
    case 'q':
    case 'Q':
      if (packet == "QStartNoAckMode") {
        conn_->send("OK");  // still acknowledged; nothing after it is
        conn_->set_no_ack();
      } else {
        conn_->send(handle_query(packet));
      }
      return Next::kStay;
    case 'v': {
      if (packet.starts_with("vKill")) {
        conn_->send("OK");
        return Next::kKill;
      }
      Next next = Next::kStay;
      const std::string reply = handle_vcont(packet, next);
      if (next == Next::kStay) conn_->send(reply);
      return next;
    }
    default:
      conn_->send("");
      return Next::kStay;
  }
}

std::string GdbServer::handle_vcont(const std::string& packet, Next& next) {
  if (packet == "vCont?") return "vCont;c;C;s;S";
  if (!packet.starts_with("vCont;")) return "";
  // Every hart runs while any is resumed (scheduler-locking is not supported); harts named
  // by s/S actions, or all for a bare "s", stop after one instruction.
  std::vector<bool> step(machine_.hart_count(), false);
  size_t start = 6;
  while (start <= packet.size()) {
    size_t end = packet.find(';', start);
    if (end == std::string::npos) end = packet.size();
    const std::string_view action = std::string_view(packet).substr(start, end - start);
    if (!action.empty() && (action[0] == 's' || action[0] == 'S')) {
      const size_t colon = action.find(':');
      if (colon == std::string_view::npos) {
        std::fill(step.begin(), step.end(), true);
      } else if (const auto t = parse_thread(action.substr(colon + 1))) {
        step[*t] = true;
        current_ = *t;
      }
    } else if (!action.empty() && action[0] != 'c' && action[0] != 'C') {
      return "E01";  // range stepping and stop actions are not offered in vCont?
    }
    start = end + 1;
  }
  resume(step);
  next = Next::kResume;
  return "";
}

std::string GdbServer::handle_query(const std::string& packet) {
  if (packet.starts_with("qSupported")) {
    swbreak_feature_ = packet.find("swbreak+") != std::string::npos;
    hwbreak_feature_ = packet.find("hwbreak+") != std::string::npos;
    return "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;"
           "vContSupported+";
  }
  if (packet.starts_with("qXfer:features:read:")) {
    const std::string_view rest = std::string_view(packet).substr(20);
    const size_t colon = rest.find(':');
    uint64_t offset, length;
    if (colon == std::string_view::npos ||
        !parse_addr_length(rest.substr(colon + 1), offset, length))
      return "E01";
    if (rest.substr(0, colon) != "target.xml") return "E00";
    const std::string xml = target_xml();
    if (offset >= xml.size()) return "l";
    const std::string chunk = xml.substr(offset, length);
    std::string reply(1, offset + chunk.size() >= xml.size() ? 'l' : 'm');
    reply += rsp_escape(chunk);
    return reply;
  }
  if (packet == "qfThreadInfo") {
    std::string r = "m";
    for (unsigned h = 0; h < machine_.hart_count(); ++h)
      r += fmt::format("{}{:x}", h ? "," : "", h + 1);
    return r;
  }
  if (packet == "qsThreadInfo") return "l";
  if (packet == "qC") return fmt::format("QC{:x}", current_ + 1);
  if (packet == "qAttached") return "1";
  if (packet.starts_with("qThreadExtraInfo,")) {
    const auto t = parse_thread(std::string_view(packet).substr(17));
    if (!t) return "E01";
    Hart& h = machine_.hart(*t);
    return hex_encode(fmt::format("hart {}{}", *t, h.waiting_for_interrupt ? " (wfi)" : ""));
  }
  if (packet.starts_with("qRcmd,")) {
    const auto bytes = hex_decode(std::string_view(packet).substr(6));
    if (!bytes) return "E01";
    const std::string text = monitor(std::string(bytes->begin(), bytes->end()));
    for (size_t i = 0; i < text.size(); i += 512)
      conn_->send_console(std::string_view(text).substr(i, 512));
    return "OK";
  }
  if (packet.starts_with("qSymbol")) return "OK";
  return "";
}

std::string GdbServer::monitor(const std::string& command) {
  const std::string cmd(trim(command));
  Hart& hart = current_hart();
  if (cmd == "help" || cmd.empty()) {
    return "unitag monitor commands:\n"
           "  help              this list\n"
           "  harts             every hart: pc, function, privilege, instructions, state\n"
           "tag engine commands (when the hart runs a tag policy):\n"
           "  tag x10           the tag of an integer register\n"
           "  tag mem ADDR      the tag of the memory word at ADDR\n"
           "  violations        recent tag violations\n"
           "Commands apply to the current thread (hart); switch with `thread N`.\n";
  }
  if (cmd == "harts") {
    std::string out;
    for (unsigned i = 0; i < machine_.hart_count(); ++i) {
      Hart& h = machine_.hart(i);
      out +=
          fmt::format("hart {} (thread {}): pc 0x{:x} <{}> {}-mode, {} instructions, {}, tags {}\n",
                      i, i + 1, h.pc, machine_.describe(h.pc),
                      h.priv == Priv::M   ? "M"
                      : h.priv == Priv::S ? "S"
                                          : "U",
                      h.instret, h.waiting_for_interrupt ? "waiting (wfi)" : "runnable",
                      tag_hooks_[i] ? "on" : "off");
    }
    return out;
  }
  ExecutionHooks* tags = tag_hooks_[current_];
  if (tags) {
    std::string answer = tags->monitor(hart, cmd);
    if (!answer.empty()) return answer.back() == '\n' ? answer : answer + "\n";
  }
  if (cmd.starts_with("tag") || cmd == "violations") {
    if (!tags)
      return fmt::format("tags are off on hart {}: run the image with a tag policy to query tags\n",
                         current_);
    return fmt::format("the tag engine on hart {} does not know `{}`; try `monitor help`\n",
                       current_, cmd);
  }
  return fmt::format("unknown monitor command `{}`; try `monitor help`\n", cmd);
}

std::string GdbServer::read_registers() {
  Hart& h = current_hart();
  std::string out;
  for (unsigned i = 0; i < 32; ++i) out += hex_le(i == 0 ? 0 : h.x[i], 8);
  return out + hex_le(h.pc, 8);
}

bool GdbServer::write_registers(std::string_view hex) {
  Hart& h = current_hart();
  for (unsigned i = 0; i <= kPcRegnum && (i + 1) * 16 <= hex.size(); ++i) {
    const auto v = parse_hex_le(hex.substr(i * 16, 16));
    if (!v) return false;
    if (i == kPcRegnum)
      h.pc = *v;
    else if (i != 0)
      h.x[i] = *v;
  }
  return true;
}

std::optional<std::string> GdbServer::read_register(unsigned n) {
  Hart& h = current_hart();
  if (n < 32) return hex_le(n == 0 ? 0 : h.x[n], 8);
  if (n == kPcRegnum) return hex_le(h.pc, 8);
  if (h.has_fp() && n >= kFirstFpRegnum && n < kFirstFpRegnum + 32)
    return hex_le(h.f[n - kFirstFpRegnum], 8);
  if (n == kPrivRegnum) return hex_le(static_cast<uint64_t>(h.priv), 8);
  if (n >= kFirstCsrRegnum && n < kPrivRegnum) {
    const unsigned number = n - kFirstCsrRegnum;
    const unsigned bytes = is_fp_csr(number) ? 4 : 8;
    uint64_t v = 0;
    if (!h.csr_read(static_cast<uint16_t>(number), v))
      return std::string(2 * bytes, 'x');  // unavailable
    return hex_le(v, bytes);
  }
  return std::nullopt;
}

bool GdbServer::write_register(unsigned n, uint64_t value) {
  Hart& h = current_hart();
  if (n < 32) {
    if (n) h.x[n] = value;
    return true;
  }
  if (n == kPcRegnum) {
    h.pc = value;
    return true;
  }
  if (h.has_fp() && n >= kFirstFpRegnum && n < kFirstFpRegnum + 32) {
    h.f[n - kFirstFpRegnum] = value;
    return true;
  }
  if (n >= kFirstCsrRegnum && n < kPrivRegnum) {
    const bool ok = h.csr_write(static_cast<uint16_t>(n - kFirstCsrRegnum), value);
    h.update_fast_path();
    return ok;
  }
  return false;
}

std::string GdbServer::read_memory(uint64_t addr, uint64_t length) {
  std::vector<uint8_t> bytes(length);
  Hart& h = machine_.hart(0);
  if (h.peek(addr, bytes.data(), length)) return hex_encode(bytes.data(), length);
  // Partly outside RAM: return what can be read, as gdb allows; nothing readable is an error.
  uint64_t n = 0;
  while (n < length && h.peek(addr + n, &bytes[n], 1)) ++n;
  return n ? hex_encode(bytes.data(), n) : "E01";
}

bool GdbServer::write_memory(uint64_t addr, const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return true;
  if (!machine_.hart(0).poke(addr, bytes.data(), bytes.size(), HostWriteSource::kDebugger))
    return false;
  // Every hart must see patched code at once (a debugger's write is not guest code).
  for (unsigned i = 1; i < machine_.hart_count(); ++i)
    machine_.hart(i).invalidate_code(addr, static_cast<unsigned>(bytes.size()));
  return true;
}

std::string GdbServer::target_xml() const {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target "
      "version=\"1.0\">\n"
      "<architecture>riscv:rv64</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 8) ? "data_ptr" : "int";
    xml += fmt::format("<reg name=\"{}\" bitsize=\"64\" type=\"{}\" regnum=\"{}\"/>\n",
                       xreg_name(i), type, i);
  }
  xml += fmt::format(
      "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"{}\"/>\n</feature>\n", kPcRegnum);
  if (machine_.config().fp) {
    xml += "<feature name=\"org.gnu.gdb.riscv.fpu\">\n";
    for (unsigned i = 0; i < 32; ++i)
      xml += fmt::format("<reg name=\"{}\" bitsize=\"64\" type=\"ieee_double\" regnum=\"{}\"/>\n",
                         freg_name(i), kFirstFpRegnum + i);
    xml += fmt::format(
        "<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"{}\"/>\n"
        "<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"{}\"/>\n"
        "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"{}\"/>\n</feature>\n",
        kFirstCsrRegnum + csr::kFflags, kFirstCsrRegnum + csr::kFrm, kFirstCsrRegnum + csr::kFcsr);
  }
  xml += "<feature name=\"org.gnu.gdb.riscv.csr\">\n";
  // Every CSR of the table that exists on this machine now, as QEMU lists them (odd pmpcfg do not).
  const Hart& h = machine_.hart(0);
  for (const CsrRow& row : csr_rows()) {
    for (unsigned n = row.first; n <= row.last; ++n) {
      if (is_fp_csr(n) || (row.available && !row.available(h, static_cast<uint16_t>(n)))) continue;
      xml += fmt::format("<reg name=\"{}\" bitsize=\"64\" type=\"int\" regnum=\"{}\"/>\n",
                         csr_name(static_cast<uint16_t>(n)), kFirstCsrRegnum + n);
    }
  }
  xml += fmt::format(
      "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
      "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"{}\"/>\n</feature>\n</target>\n",
      kPrivRegnum);
  return xml;
}

}  // namespace unitag
