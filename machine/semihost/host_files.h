// The host files a semihosting guest may touch: a handle table over host file descriptors, the
// console (":tt") and the feature file (":semihosting-features"), all confined to one root
// directory. It knows nothing of guest memory or registers; Semihost translates calls into it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace unitag {

class HostFiles {
 public:
  // Errors are host errno values (Linux), which is what QEMU hands to guests too.
  struct Result {
    int64_t value = 0;  // the handle, byte count or position; -1 on error
    int error = 0;      // errno when value is -1
  };

  // Open handles a guest may hold at once: past it SYS_OPEN fails with EMFILE, so a guest that
  // never closes cannot use up unitag's own file descriptors.
  static constexpr size_t kMaxHandles = 256;

  // `root` must name an existing directory (throws UserError otherwise).
  HostFiles(const std::string& root, bool allow_write);
  ~HostFiles();
  HostFiles(const HostFiles&) = delete;
  HostFiles& operator=(const HostFiles&) = delete;

  const std::string& root() const { return root_; }
  bool allow_write() const { return allow_write_; }

  // mode is the semihosting fopen mode: 0-11 for r, rb, r+, r+b, w, wb, w+, w+b, a, ab, a+, a+b.
  Result open(const std::string& guest_path, uint64_t mode);
  Result close(uint64_t handle);

  enum class Kind { kNone, kConsoleIn, kConsoleOut, kFile, kFeatures };
  Kind kind(uint64_t handle) const;

  // File and feature-file handles only; the console is Semihost's business.
  Result read(uint64_t handle, void* buffer, size_t size);
  Result write(uint64_t handle, const void* data, size_t size);
  Result seek(uint64_t handle, uint64_t position);
  Result length(uint64_t handle);

  Result remove(const std::string& guest_path);
  Result rename(const std::string& from, const std::string& to);

  // The host path a guest path names inside the root, or an errno: absolute paths, `..`
  // components and symlinks leading outside the root are refused with EACCES.
  // For `for_create` the last component may be missing (its parent must exist inside the root);
  // `follow_last` = false keeps a final symlink itself (remove, rename).
  Result resolve(const std::string& guest_path, bool for_create, bool follow_last,
                 std::string& host_path) const;

 private:
  struct Entry {
    Kind kind = Kind::kNone;
    int fd = -1;
    uint64_t position = 0;  // feature file only
  };
  Result add(Entry entry);
  bool inside_root(const std::string& real_path) const;

  std::string root_;  // canonical, no trailing slash (except "/")
  bool allow_write_;
  std::map<uint64_t, Entry> handles_;
  uint64_t next_handle_ = 1;  // semihosting handles are nonzero, as on QEMU
};

}  // namespace unitag
