// Errors a user can cause (bad image, bad flag) and the exit codes unitag ends with.
// Guest exit codes pass through unchanged; the codes below are what unitag itself reports.
#pragma once

#include <stdexcept>
#include <string>

namespace unitag {

namespace exit_code {
inline constexpr int kUsage = 64;                // bad command line
inline constexpr int kBadImage = 65;             // not a loadable RISC-V ELF
inline constexpr int kNoInput = 66;              // image or input file missing or unreadable
inline constexpr int kInternal = 70;             // a bug in unitag
inline constexpr int kOutputLimit = 118;         // --max-output reached: the guest floods output
inline constexpr int kPartitionViolation = 119;  // a partition reached outside its memory
inline constexpr int kGuestFault = 120;          // a trap with no handler, or a handler that faults
inline constexpr int kDeadlock = 121;       // every hart waits for an interrupt that cannot come
inline constexpr int kTagViolation = 122;   // a tag policy stopped the machine
inline constexpr int kMaxInsns = 123;       // --max-insns reached
inline constexpr int kTimeout = 124;        // --timeout reached
inline constexpr int kSemihostError = 125;  // a semihosting call was refused (e.g. not enabled)
}  // namespace exit_code

// An error caused by user input: carries a one-line message and the exit code to end with.
class UserError : public std::runtime_error {
 public:
  UserError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace unitag
