// RISC-V semihosting (the Arm-compatible calls behind `slli x0,x0,0x1f; ebreak; srai x0,x0,7`):
// a machine service that lets stock picolibc `--oslib=semihost` programs use the host's console,
// clock, command line and files (confined to one directory). It claims ebreaks through
// Machine::set_ebreak_handler; when disabled it still recognises calls and stops the machine
// with a clear message instead of a bare breakpoint trap. See docs/semihosting.md.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "machine/semihost/host_files.h"

namespace unitag {

class Hart;
class Machine;
class ElfImage;

struct SemihostConfig {
  bool enabled = false;
  std::string root = ".";    // host directory the guest's files are confined to
  bool allow_write = false;  // create, write, remove and rename inside root
  std::string command_line;  // SYS_GET_CMDLINE: image name, then the guest arguments
};

// Operation numbers from the Arm semihosting specification (v2.0), which RISC-V reuses.
namespace semihost_op {
inline constexpr uint64_t kOpen = 0x01, kClose = 0x02, kWriteC = 0x03, kWrite0 = 0x04,
                          kWrite = 0x05, kRead = 0x06, kReadC = 0x07, kIsError = 0x08,
                          kIsTty = 0x09, kSeek = 0x0a, kFlen = 0x0c, kTmpNam = 0x0d, kRemove = 0x0e,
                          kRename = 0x0f, kClock = 0x10, kTime = 0x11, kSystem = 0x12,
                          kErrno = 0x13, kGetCmdline = 0x15, kHeapInfo = 0x16, kExit = 0x18,
                          kExitExtended = 0x20, kElapsed = 0x30, kTickFreq = 0x31;
}  // namespace semihost_op

// Name of a semihosting operation ("SYS_OPEN"), or nullptr for an unknown number.
const char* semihost_op_name(uint64_t op);

class Semihost {
 public:
  static constexpr uint32_t kEntryInsn = 0x01f01013;  // slli x0, x0, 0x1f
  static constexpr uint32_t kEbreakInsn = 0x00100073;
  static constexpr uint32_t kExitInsn = 0x40705013;  // srai x0, x0, 7

  // Throws UserError when the root is not a directory (only checked when enabled).
  Semihost(Machine& machine, const ElfImage& image, SemihostConfig config);
  ~Semihost();

  // Claims the machine's ebreaks. The Semihost must outlive the run.
  void attach();
  // The ebreak handler: true when `pc` is a semihosting call (handled or refused).
  bool on_ebreak(Hart& hart, uint64_t pc);

  uint64_t calls() const { return calls_; }
  // Calls per operation number (index < 0x40; others counted at 0).
  const std::array<uint64_t, 0x40>& calls_by_op() const { return by_op_; }

 private:
  struct Call;
  bool is_call_site(Hart& hart, uint64_t pc);
  int64_t dispatch(Call& call);
  // Reads word `index` of the parameter block; false (with EFAULT recorded) if outside RAM.
  bool arg(Call& call, unsigned index, uint64_t& value);
  bool read_string(Call& call, uint64_t addr, uint64_t length, std::string& out);
  bool read_c_string(Call& call, uint64_t addr, std::string& out);
  int64_t fail(int error);

  int64_t op_open(Call& call);
  int64_t op_write(Call& call);
  int64_t op_read(Call& call);
  int64_t op_readc(Call& call);
  int64_t op_get_cmdline(Call& call);
  int64_t op_heapinfo(Call& call);
  int64_t op_exit(Call& call, bool extended);
  int64_t op_elapsed(Call& call);
  size_t console_read(Call& call, uint8_t* buffer, size_t size);
  void stop_with_error(Call& call, const std::string& what);

  Machine& machine_;
  const ElfImage& image_;
  SemihostConfig config_;
  std::unique_ptr<HostFiles> files_;
  std::mutex mu_;  // one call at a time across harts
  int last_errno_ = 0;
  uint64_t calls_ = 0;
  std::array<uint64_t, 0x40> by_op_{};
};

}  // namespace unitag
