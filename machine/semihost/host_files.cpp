#include "machine/semihost/host_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "machine/errors.h"

namespace unitag {
namespace {

// ":semihosting-features": magic "SHFB" then one byte of feature bits. Bit 0 is
// SH_EXT_EXIT_EXTENDED (picolibc's _exit then reports the real status), bit 1 SH_EXT_STDOUT_STDERR
// (":tt" opened for append is stderr). QEMU reports the same two.
constexpr unsigned char kFeatureFile[] = {'S', 'H', 'F', 'B', 0x03};

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf)) return {};
  return buf;
}

// Splits at the last '/': "a/b/c" -> ("a/b", "c"), "c" -> ("", "c").
void split_last(const std::string& path, std::string& parent, std::string& name) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    parent.clear();
    name = path;
  } else {
    parent = path.substr(0, slash);
    name = path.substr(slash + 1);
  }
}

}  // namespace

HostFiles::HostFiles(const std::string& root, bool allow_write) : allow_write_(allow_write) {
  root_ = real_path(root);
  struct stat st {};
  if (root_.empty() || ::stat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw UserError(exit_code::kNoInput,
                    fmt::format("--semihost-root {}: not an existing directory; give the directory "
                                "the guest's files live in",
                                root));
}

HostFiles::~HostFiles() {
  for (auto& [handle, entry] : handles_)
    if (entry.fd >= 0) ::close(entry.fd);
}

bool HostFiles::inside_root(const std::string& real) const {
  if (real == root_) return true;
  const std::string prefix = root_ == "/" ? root_ : root_ + "/";
  return real.compare(0, prefix.size(), prefix) == 0;
}

HostFiles::Result HostFiles::resolve(const std::string& guest_path, bool for_create,
                                     bool follow_last, std::string& host_path) const {
  if (guest_path.empty()) return {-1, ENOENT};
  if (guest_path[0] == '/') return {-1, EACCES};
  // Any ".." is refused outright, even one that would stay inside: simpler to reason about.
  size_t start = 0;
  while (start <= guest_path.size()) {
    size_t end = guest_path.find('/', start);
    if (end == std::string::npos) end = guest_path.size();
    if (guest_path.compare(start, end - start, "..") == 0 && end - start == 2) return {-1, EACCES};
    start = end + 1;
  }
  const std::string joined = root_ + "/" + guest_path;
  std::string parent, name;
  split_last(joined, parent, name);
  const std::string real_parent = real_path(parent);
  if (real_parent.empty()) return {-1, errno == 0 ? ENOENT : errno};
  if (!inside_root(real_parent)) return {-1, EACCES};
  if (name.empty() || name == ".") {
    host_path = real_parent;
    return {0, 0};
  }
  const std::string direct = real_parent + "/" + name;
  struct stat st {};
  if (::lstat(direct.c_str(), &st) != 0) {
    if (errno == ENOENT && for_create) {
      host_path = direct;
      return {0, 0};
    }
    return {-1, errno};
  }
  if (!follow_last || !S_ISLNK(st.st_mode)) {
    host_path = direct;
    return {0, 0};
  }
  // A symlink: its target must exist and stay inside the root (a dangling link could make
  // O_CREAT create a file anywhere).
  const std::string target = real_path(direct);
  if (target.empty()) return {-1, for_create ? EACCES : ENOENT};
  if (!inside_root(target)) return {-1, EACCES};
  host_path = target;
  return {0, 0};
}

HostFiles::Result HostFiles::add(Entry entry) {
  if (handles_.size() >= kMaxHandles) {
    if (entry.kind == Kind::kFile) ::close(entry.fd);
    return {-1, EMFILE};
  }
  uint64_t handle = 1;
  for (const auto& [used, e] : handles_) {
    if (used != handle) break;
    ++handle;
  }
  handles_[handle] = entry;
  return {static_cast<int64_t>(handle), 0};
}

HostFiles::Result HostFiles::open(const std::string& guest_path, uint64_t mode) {
  if (mode > 11) return {-1, EINVAL};
  const unsigned kind = static_cast<unsigned>(mode) / 4;  // 0 read, 1 write, 2 append
  const bool plus = (mode & 2) != 0;
  if (guest_path == ":tt") return add({kind == 0 ? Kind::kConsoleIn : Kind::kConsoleOut});
  if (guest_path == ":semihosting-features") {
    if (kind != 0) return {-1, EACCES};
    return add({Kind::kFeatures});
  }
  const bool writes = kind != 0 || plus;
  if (writes && !allow_write_) return {-1, EROFS};
  std::string host;
  if (Result r = resolve(guest_path, kind != 0, true, host); r.value < 0) return r;
  // "a+" opens read-write at offset 0 without O_APPEND: picolibc 1.8 asks for "a+" when a program
  // opens "r+" (and seeks to the end itself for a real "a+"), and QEMU 7.2 drops O_APPEND, so
  // this is what makes both behave as their C programs expect. Plain "a" appends, as specified.
  int flags = O_CLOEXEC | O_NOCTTY;
  if (kind == 0)
    flags |= plus ? O_RDWR : O_RDONLY;
  else if (kind == 1)
    flags |= (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
  else
    flags |= plus ? O_RDWR | O_CREAT : O_WRONLY | O_CREAT | O_APPEND;
  const int fd = ::open(host.c_str(), flags, 0644);
  if (fd < 0) return {-1, errno};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
    ::close(fd);
    return {-1, err};
  }
  return add({Kind::kFile, fd});
}

HostFiles::Result HostFiles::close(uint64_t handle) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return {-1, EBADF};
  if (it->second.fd >= 0) ::close(it->second.fd);
  handles_.erase(it);
  return {0, 0};
}

HostFiles::Kind HostFiles::kind(uint64_t handle) const {
  auto it = handles_.find(handle);
  return it == handles_.end() ? Kind::kNone : it->second.kind;
}

HostFiles::Result HostFiles::read(uint64_t handle, void* buffer, size_t size) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return {-1, EBADF};
  Entry& e = it->second;
  if (e.kind == Kind::kFeatures) {
    const uint64_t left = sizeof kFeatureFile - std::min<uint64_t>(e.position, sizeof kFeatureFile);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, size));
    std::memcpy(buffer, kFeatureFile + e.position, n);
    e.position += n;
    return {static_cast<int64_t>(n), 0};
  }
  if (e.kind != Kind::kFile) return {-1, EBADF};
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(e.fd, static_cast<char*>(buffer) + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return done ? Result{static_cast<int64_t>(done), 0} : Result{-1, errno};
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return {static_cast<int64_t>(done), 0};
}

HostFiles::Result HostFiles::write(uint64_t handle, const void* data, size_t size) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return {-1, EBADF};
  if (it->second.kind != Kind::kFile) return {-1, EBADF};
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(it->second.fd, static_cast<const char*>(data) + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return done ? Result{static_cast<int64_t>(done), 0} : Result{-1, errno};
    done += static_cast<size_t>(n);
  }
  return {static_cast<int64_t>(done), 0};
}

HostFiles::Result HostFiles::seek(uint64_t handle, uint64_t position) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return {-1, EBADF};
  Entry& e = it->second;
  if (e.kind == Kind::kFeatures) {
    e.position = position;
    return {0, 0};
  }
  if (e.kind != Kind::kFile) return {-1, ESPIPE};
  if (position > static_cast<uint64_t>(INT64_MAX)) return {-1, EINVAL};
  if (::lseek(e.fd, static_cast<off_t>(position), SEEK_SET) < 0) return {-1, errno};
  return {0, 0};
}

HostFiles::Result HostFiles::length(uint64_t handle) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) return {-1, EBADF};
  const Entry& e = it->second;
  if (e.kind == Kind::kFeatures) return {static_cast<int64_t>(sizeof kFeatureFile), 0};
  if (e.kind != Kind::kFile) return {-1, EBADF};
  struct stat st {};
  if (::fstat(e.fd, &st) != 0) return {-1, errno};
  return {static_cast<int64_t>(st.st_size), 0};
}

HostFiles::Result HostFiles::remove(const std::string& guest_path) {
  if (!allow_write_) return {-1, EROFS};
  std::string host;
  if (Result r = resolve(guest_path, false, false, host); r.value < 0) return r;
  if (host == root_) return {-1, EACCES};
  if (::unlink(host.c_str()) != 0) return {-1, errno};
  return {0, 0};
}

HostFiles::Result HostFiles::rename(const std::string& from, const std::string& to) {
  if (!allow_write_) return {-1, EROFS};
  std::string host_from, host_to;
  if (Result r = resolve(from, false, false, host_from); r.value < 0) return r;
  if (Result r = resolve(to, true, false, host_to); r.value < 0) return r;
  if (host_from == root_ || host_to == root_) return {-1, EACCES};
  if (::rename(host_from.c_str(), host_to.c_str()) != 0) return {-1, errno};
  return {0, 0};
}

}  // namespace unitag
