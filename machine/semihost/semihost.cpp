#include "machine/semihost/semihost.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <thread>

#include "machine/errors.h"
#include "machine/hart/hart.h"
#include "machine/loader/elf.h"
#include "machine/machine.h"

namespace unitag {
namespace {
constexpr uint64_t kElapsedHz = 1'000'000;  // SYS_ELAPSED's tick (op_elapsed)

constexpr uint64_t kWord = 8;  // RV64: parameter blocks hold 64-bit words
constexpr uint64_t kA0 = 10, kA1 = 11;
constexpr uint64_t kMaxPath = 4096;
constexpr uint64_t kMaxWrite0 = 1 << 20;
constexpr size_t kChunk = 64 * 1024;
// SYS_EXIT reason codes (Arm semihosting, "Stopped" reasons).
constexpr uint64_t kApplicationExit = 0x20026;

}  // namespace

const char* semihost_op_name(uint64_t op) {
  using namespace semihost_op;
  switch (op) {
    case kOpen:
      return "SYS_OPEN";
    case kClose:
      return "SYS_CLOSE";
    case kWriteC:
      return "SYS_WRITEC";
    case kWrite0:
      return "SYS_WRITE0";
    case kWrite:
      return "SYS_WRITE";
    case kRead:
      return "SYS_READ";
    case kReadC:
      return "SYS_READC";
    case kIsError:
      return "SYS_ISERROR";
    case kIsTty:
      return "SYS_ISTTY";
    case kSeek:
      return "SYS_SEEK";
    case kFlen:
      return "SYS_FLEN";
    case kTmpNam:
      return "SYS_TMPNAM";
    case kRemove:
      return "SYS_REMOVE";
    case kRename:
      return "SYS_RENAME";
    case kClock:
      return "SYS_CLOCK";
    case kTime:
      return "SYS_TIME";
    case kSystem:
      return "SYS_SYSTEM";
    case kErrno:
      return "SYS_ERRNO";
    case kGetCmdline:
      return "SYS_GET_CMDLINE";
    case kHeapInfo:
      return "SYS_HEAPINFO";
    case kExit:
      return "SYS_EXIT";
    case kExitExtended:
      return "SYS_EXIT_EXTENDED";
    case kElapsed:
      return "SYS_ELAPSED";
    case kTickFreq:
      return "SYS_TICKFREQ";
    default:
      return nullptr;
  }
}

struct Semihost::Call {
  Hart& hart;
  uint64_t pc;
  uint64_t op;
  uint64_t param;  // a1: the parameter block (or the value itself for some calls)
};

Semihost::Semihost(Machine& machine, const ElfImage& image, SemihostConfig config)
    : machine_(machine), image_(image), config_(std::move(config)) {
  if (config_.enabled) files_ = std::make_unique<HostFiles>(config_.root, config_.allow_write);
}

Semihost::~Semihost() = default;

void Semihost::attach() {
  machine_.set_ebreak_handler([this](Hart& hart, uint64_t pc) { return on_ebreak(hart, pc); });
}

// The call site is the three-instruction sequence, all 4-byte encodings, read from memory: a
// debugger's c.ebreak or a lone ebreak stays a breakpoint.
bool Semihost::is_call_site(Hart& hart, uint64_t pc) {
  uint32_t before = 0, at = 0, after = 0;
  if (pc < 4 || !hart.peek(pc - 4, &before, 4) || !hart.peek(pc, &at, 4) ||
      !hart.peek(pc + 4, &after, 4))
    return false;
  return before == kEntryInsn && at == kEbreakInsn && after == kExitInsn;
}

// Only M-mode calls are served: an application in U-mode must go through its kernel, so its
// ebreak stays a breakpoint exception for that kernel to handle.
bool Semihost::on_ebreak(Hart& hart, uint64_t pc) {
  if (hart.priv != Priv::M || !is_call_site(hart, pc)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  Call call{hart, pc, hart.x[kA0], hart.x[kA1]};
  ++calls_;
  ++by_op_[call.op < by_op_.size() ? call.op : 0];
  if (!config_.enabled) {
    const char* name = semihost_op_name(call.op);
    const uint64_t caller = hart.x[1];  // ra: the libc routine that wrapped the call
    stop_with_error(
        call,
        fmt::format("{} uses semihosting ({} called from {}); run with --semihost", image_.path(),
                    name ? name : "an unknown operation", machine_.describe(caller)));
    return true;
  }
  const int64_t result = dispatch(call);
  if (!machine_.stop_requested()) hart.x[kA0] = static_cast<uint64_t>(result);
  return true;
}

void Semihost::stop_with_error(Call& call, const std::string& what) {
  machine_.request_stop(StopReason::kGuestFault, exit_code::kSemihostError,
                        fmt::format("hart {} at 0x{:x} ({}): {}", call.hart.id(), call.pc,
                                    machine_.describe(call.pc), what),
                        static_cast<int>(call.hart.id()), call.pc);
}

int64_t Semihost::fail(int error) {
  last_errno_ = error;
  return -1;
}

bool Semihost::arg(Call& call, unsigned index, uint64_t& value) {
  if (call.hart.peek(call.param + index * kWord, &value, kWord)) return true;
  last_errno_ = EFAULT;
  return false;
}

bool Semihost::read_string(Call& call, uint64_t addr, uint64_t length, std::string& out) {
  if (length > kMaxPath || !machine_.bus().in_ram(addr, length)) {
    last_errno_ = length > kMaxPath ? ENAMETOOLONG : EFAULT;
    return false;
  }
  out.resize(length);
  if (!call.hart.peek(addr, out.data(), length)) return false;
  // The length excludes the terminator, but a guest may pass a string with an embedded NUL.
  if (out.find('\0') != std::string::npos) {
    last_errno_ = EINVAL;
    return false;
  }
  return true;
}

bool Semihost::read_c_string(Call& call, uint64_t addr, std::string& out) {
  out.clear();
  for (uint64_t i = 0; i < kMaxWrite0; ++i) {
    char c = 0;
    if (!call.hart.peek(addr + i, &c, 1)) {
      last_errno_ = EFAULT;
      return false;
    }
    if (c == '\0') return true;
    out.push_back(c);
  }
  last_errno_ = EINVAL;
  return false;
}

int64_t Semihost::dispatch(Call& call) {
  using namespace semihost_op;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  std::string s, t;
  switch (call.op) {
    case kOpen:
      return op_open(call);
    case kClose:
      if (!arg(call, 0, a)) return -1;
      if (const auto r = files_->close(a); r.value < 0) return fail(r.error);
      return 0;
    case kWriteC: {
      char ch = 0;
      if (!call.hart.peek(call.param, &ch, 1)) return fail(EFAULT);
      if (!machine_.host_reading(call.hart, call.pc, call.param, 1, HostReadSink::kConsole))
        return -1;
      machine_.uart().write_console(&ch, 1, call.hart.id());
      return 0;
    }
    case kWrite0:
      if (!read_c_string(call, call.param, s)) return -1;
      if (!machine_.host_reading(call.hart, call.pc, call.param, s.size(), HostReadSink::kConsole))
        return -1;
      machine_.uart().write_console(s.data(), s.size(), call.hart.id());
      return 0;
    case kWrite:
      return op_write(call);
    case kRead:
      return op_read(call);
    case kReadC:
      return op_readc(call);
    case kIsError:
      if (!arg(call, 0, a)) return -1;
      return static_cast<int64_t>(a) < 0 ? 1 : 0;
    case kIsTty:
      if (!arg(call, 0, a)) return -1;
      switch (files_->kind(a)) {
        case HostFiles::Kind::kConsoleIn:
        case HostFiles::Kind::kConsoleOut:
          return 1;
        case HostFiles::Kind::kNone:
          return fail(EBADF);
        default:
          return 0;
      }
    case kSeek:
      if (!arg(call, 0, a) || !arg(call, 1, b)) return -1;
      if (const auto r = files_->seek(a, b); r.value < 0) return fail(r.error);
      return 0;
    case kFlen: {
      if (!arg(call, 0, a)) return -1;
      const auto r = files_->length(a);
      return r.value < 0 ? fail(r.error) : r.value;
    }
    case kTmpNam:
      return fail(ENOSYS);  // host temporary names are outside the root
    case kRemove: {
      if (!arg(call, 0, a) || !arg(call, 1, b) || !read_string(call, a, b, s)) return -1;
      const auto r = files_->remove(s);
      return r.value < 0 ? fail(r.error) : 0;
    }
    case kRename: {
      if (!arg(call, 0, a) || !arg(call, 1, b) || !arg(call, 2, c) || !arg(call, 3, d) ||
          !read_string(call, a, b, s) || !read_string(call, c, d, t))
        return -1;
      const auto r = files_->rename(s, t);
      return r.value < 0 ? fail(r.error) : 0;
    }
    case kClock:
      return static_cast<int64_t>(machine_.mtime(call.hart) / (Machine::kTimebaseHz / 100));
    case kTime:
      return static_cast<int64_t>(std::time(nullptr));
    case kSystem:
      return fail(ENOSYS);  // a guest never runs host commands
    case kErrno:
      return last_errno_;
    case kGetCmdline:
      return op_get_cmdline(call);
    case kHeapInfo:
      return op_heapinfo(call);
    case kExit:
      return op_exit(call, false);
    case kExitExtended:
      return op_exit(call, true);
    case kElapsed:
      return op_elapsed(call);
    case kTickFreq:
      return static_cast<int64_t>(kElapsedHz);
    default:
      stop_with_error(call, fmt::format("unsupported semihosting operation 0x{:x} (a0); "
                                        "docs/semihosting.md lists the supported ones",
                                        call.op));
      return -1;
  }
}

int64_t Semihost::op_open(Call& call) {
  uint64_t name = 0, mode = 0, length = 0;
  std::string path;
  if (!arg(call, 0, name) || !arg(call, 1, mode) || !arg(call, 2, length) ||
      !read_string(call, name, length, path))
    return -1;
  const auto r = files_->open(path, mode);
  return r.value < 0 ? fail(r.error) : r.value;
}

// Returns the number of bytes NOT written, as the specification asks.
int64_t Semihost::op_write(Call& call) {
  uint64_t handle = 0, buffer = 0, length = 0;
  if (!arg(call, 0, handle) || !arg(call, 1, buffer) || !arg(call, 2, length)) return -1;
  if (!machine_.bus().in_ram(buffer, length)) return fail(EFAULT);
  const HostFiles::Kind kind = files_->kind(handle);
  if (kind != HostFiles::Kind::kConsoleOut && kind != HostFiles::Kind::kFile) return fail(EBADF);
  const HostReadSink sink =
      kind == HostFiles::Kind::kConsoleOut ? HostReadSink::kConsole : HostReadSink::kFile;
  if (!machine_.host_reading(call.hart, call.pc, buffer, length, sink)) return -1;
  std::vector<uint8_t> chunk;
  uint64_t done = 0;
  while (done < length) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(length - done, kChunk));
    chunk.resize(n);
    call.hart.peek(buffer + done, chunk.data(), n);
    if (kind == HostFiles::Kind::kConsoleOut) {
      machine_.uart().write_console(chunk.data(), n, call.hart.id());
    } else {
      // Files count against --max-output too: a guest must not fill the host's disk.
      const size_t allowed = static_cast<size_t>(machine_.output_limit().admit(n, call.hart.id()));
      if (allowed == 0) break;
      const auto r = files_->write(handle, chunk.data(), allowed);
      if (r.value < 0) {
        last_errno_ = r.error;
        break;
      }
      done += static_cast<uint64_t>(r.value);
      if (static_cast<size_t>(r.value) < n) break;  // short write, or the limit was reached
      continue;
    }
    done += n;
  }
  return static_cast<int64_t>(length - done);
}

// Returns the number of bytes NOT read: equal to the length at end of file.
int64_t Semihost::op_read(Call& call) {
  uint64_t handle = 0, buffer = 0, length = 0;
  if (!arg(call, 0, handle) || !arg(call, 1, buffer) || !arg(call, 2, length)) return -1;
  if (!machine_.bus().in_ram(buffer, length)) return fail(EFAULT);
  const HostFiles::Kind kind = files_->kind(handle);
  std::vector<uint8_t> chunk;
  if (kind == HostFiles::Kind::kConsoleIn) {
    chunk.resize(static_cast<size_t>(std::min<uint64_t>(length, kChunk)));
    const size_t got = console_read(call, chunk.data(), chunk.size());
    call.hart.poke(buffer, chunk.data(), got, HostWriteSource::kSemihosting);
    return static_cast<int64_t>(length - got);
  }
  if (kind != HostFiles::Kind::kFile && kind != HostFiles::Kind::kFeatures) return fail(EBADF);
  uint64_t done = 0;
  while (done < length) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(length - done, kChunk));
    chunk.resize(n);
    const auto r = files_->read(handle, chunk.data(), n);
    if (r.value < 0) {
      if (done == 0) return fail(r.error);
      break;
    }
    call.hart.poke(buffer + done, chunk.data(), static_cast<size_t>(r.value),
                   HostWriteSource::kSemihosting);
    done += static_cast<uint64_t>(r.value);
    if (static_cast<size_t>(r.value) < n) break;
  }
  return static_cast<int64_t>(length - done);
}

// Waits for the first byte, then takes what has already arrived (like a terminal read).
// Returns 0 at end of input or when the machine is stopping. Called with mu_ held.
size_t Semihost::console_read(Call& call, uint8_t* buffer, size_t size) {
  size_t got = 0;
  while (got < size) {
    const Uart::Input in = machine_.uart().receive(buffer[got]);
    if (in == Uart::Input::kByte) {
      ++got;
      continue;
    }
    if (in == Uart::Input::kEnd || got > 0 || machine_.stop_requested()) break;
    // Let other harts' calls (console output, exit) through while this one waits for input.
    mu_.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    mu_.lock();
  }
  (void)call;
  return got;
}

// SYS_READC at end of input returns -1: the specification leaves this open, and blocking
// forever (QEMU's behaviour) would hang a test.
int64_t Semihost::op_readc(Call& call) {
  uint8_t byte = 0;
  if (console_read(call, &byte, 1) == 1) return byte;
  return fail(EIO);
}

int64_t Semihost::op_get_cmdline(Call& call) {
  uint64_t buffer = 0, size = 0;
  if (!arg(call, 0, buffer) || !arg(call, 1, size)) return -1;
  const std::string& line = config_.command_line;
  if (line.size() + 1 > size) return fail(E2BIG);
  if (!call.hart.poke(buffer, line.c_str(), line.size() + 1, HostWriteSource::kSemihosting))
    return fail(EFAULT);
  const uint64_t length = line.size();
  if (!call.hart.poke(call.param + kWord, &length, kWord, HostWriteSource::kSemihosting))
    return fail(EFAULT);
  return 0;
}

// a1 points at a word holding the address of four words: heap base, heap limit, stack base,
// stack limit. picolibc's linker script names them (__heap_start, __heap_end, __stack); an image
// without them gets the RAM above its highest segment, with the stack at the top of RAM.
int64_t Semihost::op_heapinfo(Call& call) {
  uint64_t block = 0;
  if (!arg(call, 0, block)) return -1;
  const auto heap_start = image_.symbol_address("__heap_start");
  const auto heap_end = image_.symbol_address("__heap_end");
  const auto stack = image_.symbol_address("__stack");
  uint64_t info[4];
  if (heap_start && heap_end && stack) {
    info[0] = *heap_start;
    info[1] = *heap_end;
    info[2] = *stack;
    info[3] = *heap_end;
  } else {
    uint64_t end = Bus::kRamBase;
    for (const ElfSegment& seg : image_.segments()) end = std::max(end, seg.paddr + seg.memsz);
    const uint64_t top = machine_.bootinfo_address();
    info[0] = (end + 15) & ~uint64_t{15};
    info[1] = info[3] = top - (std::min<uint64_t>(top - info[0], 2 << 20) / 2);
    info[2] = top;
  }
  if (!call.hart.poke(block, info, sizeof info, HostWriteSource::kSemihosting)) return fail(EFAULT);
  return 0;
}

// On RV64 both SYS_EXIT and SYS_EXIT_EXTENDED take a block {reason, subcode}; an application
// exit ends with the subcode as status, any other reason with 1 (QEMU does the same).
int64_t Semihost::op_exit(Call& call, bool extended) {
  uint64_t reason = 0, subcode = 0;
  if (!arg(call, 0, reason) || !arg(call, 1, subcode)) {
    stop_with_error(call, fmt::format("{}: parameter block at 0x{:x} is outside RAM",
                                      extended ? "SYS_EXIT_EXTENDED" : "SYS_EXIT", call.param));
    return -1;
  }
  if (reason == kApplicationExit) {
    machine_.request_stop(StopReason::kGuestExit, static_cast<int>(subcode & 0xff), "",
                          static_cast<int>(call.hart.id()), call.pc);
  } else {
    machine_.request_stop(StopReason::kGuestExit, 1,
                          fmt::format("semihosting exit with reason 0x{:x} (not an application "
                                      "exit): status 1",
                                      reason),
                          static_cast<int>(call.hart.id()), call.pc);
  }
  return 0;
}

// Elapsed ticks count at 1 MHz (as QEMU's do), not at the timer's 10 MHz: stock picolibc's
// clock() returns them as clock_t, with CLOCKS_PER_SEC 1,000,000, without asking SYS_TICKFREQ.
int64_t Semihost::op_elapsed(Call& call) {
  const uint64_t ticks = machine_.mtime(call.hart) / (Machine::kTimebaseHz / kElapsedHz);
  if (!call.hart.poke(call.param, &ticks, kWord, HostWriteSource::kSemihosting))
    return fail(EFAULT);
  return 0;
}

}  // namespace unitag
