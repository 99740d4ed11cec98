// File descriptors over the console and the ramfs given on the command line. The ramfs is flat
// (a table of absolute paths); a directory is "/" or any proper prefix of a path ending at '/'.
#include "linux/files.h"

#include <string.h>

#include "posix/console.h"

namespace uk::linux_abi {
namespace {

constexpr int kMaxFds = 64;
constexpr size_t kPathMax = 256;
constexpr int64_t kAtFdcwd = -100;
constexpr uint64_t kAtEmptyPath = 0x1000;
constexpr uint64_t kOAccMode = 3, kOCreat = 0100, kOTrunc = 01000, kODirectory = 0200000;
constexpr uint32_t kIfChr = 0020000, kIfDir = 0040000, kIfReg = 0100000;

enum class Kind : uint8_t { kFree, kConsoleIn, kConsoleOut, kFile, kDirectory };
struct Descriptor {
  Kind kind = Kind::kFree;
  uint32_t file = 0;  // ramfs index (kFile)
  uint64_t offset = 0;
  char path[kPathMax] = {};  // kDirectory: its path without the trailing '/' ("" for the root)
};

const unitag_linux_boot* g_boot;
const unitag_linux_file* g_files;
Descriptor g_fds[kMaxFds];

const char* file_path(uint32_t i) {
  return reinterpret_cast<const char*>(g_boot) + g_files[i].path_offset;
}
const uint8_t* file_data(uint32_t i) {
  return reinterpret_cast<const uint8_t*>(g_boot) + g_files[i].data_offset;
}

Descriptor* fd_at(uint64_t fd) {
  return fd < kMaxFds && g_fds[fd].kind != Kind::kFree ? &g_fds[fd] : nullptr;
}

int free_fd(int from = 0) {
  for (int fd = from; fd < kMaxFds; ++fd)
    if (g_fds[fd].kind == Kind::kFree) return fd;
  return -1;
}

// Joins dir and path and removes ".", ".." and repeated '/': "/a/b" or "" for the root.
bool normalise(const char* dir, const char* path, char* out) {
  char joined[2 * kPathMax];
  if (path[0] == '/')
    joined[0] = 0;
  else
    strcpy(joined, dir);
  if (strlen(joined) + strlen(path) + 2 > sizeof joined) return false;
  strcat(joined, "/");
  strcat(joined, path);
  size_t len = 0;
  char* state = nullptr;
  for (char* part = strtok_r(joined, "/", &state); part; part = strtok_r(nullptr, "/", &state)) {
    if (!strcmp(part, ".")) continue;
    if (!strcmp(part, "..")) {
      while (len && out[--len] != '/') {
      }
      continue;
    }
    if (len + strlen(part) + 2 > kPathMax) return false;
    out[len++] = '/';
    strcpy(out + len, part);
    len += strlen(part);
  }
  out[len] = 0;
  return true;
}

int find_file(const char* path) {
  for (uint32_t i = 0; i < g_boot->file_count; ++i)
    if (!strcmp(file_path(i), path)) return int(i);
  return -1;
}

bool is_directory(const char* path) {
  const size_t n = strlen(path);
  if (n == 0) return true;
  for (uint32_t i = 0; i < g_boot->file_count; ++i)
    if (!strncmp(file_path(i), path, n) && file_path(i)[n] == '/') return true;
  return false;
}

// The path argument of an *at call, resolved: 0 or -errno.
int64_t resolve(Process& p, int64_t dirfd, uint64_t user_path, char* out) {
  char path[kPathMax];
  if (!p.memory.copy_string_in(path, user_path, sizeof path)) return -kEFAULT;
  const char* dir = "";
  if (path[0] != '/' && dirfd != kAtFdcwd) {
    Descriptor* d = fd_at(uint64_t(dirfd));
    if (!d) return -kEBADF;
    if (d->kind != Kind::kDirectory) return -kENOTDIR;
    dir = d->path;
  }
  return normalise(dir, path, out) ? 0 : -kENAMETOOLONG;
}

// Linux's struct stat on riscv64 (asm-generic).
struct LinuxStat {
  uint64_t dev, ino;
  uint32_t mode, nlink, uid, gid;
  uint64_t rdev, pad1;
  int64_t size;
  int32_t blksize, pad2;
  int64_t blocks;
  int64_t times[6];
  uint32_t unused[2];
};
static_assert(sizeof(LinuxStat) == 128);

struct Attributes {
  uint32_t mode;
  uint64_t size, ino;
};

Attributes attributes_of(const Descriptor& d) {
  switch (d.kind) {
    case Kind::kFile:
      return {kIfReg | 0444, g_files[d.file].size, d.file + 2};
    case Kind::kDirectory:
      return {kIfDir | 0555, 0, 1};
    default:
      return {kIfChr | 0620, 0, 0};
  }
}

int64_t stat_path(const char* path, Attributes& out) {
  const int file = find_file(path);
  if (file >= 0)
    out = {kIfReg | 0444, g_files[file].size, uint64_t(file) + 2};
  else if (is_directory(path))
    out = {kIfDir | 0555, 0, 1};
  else
    return -kENOENT;
  return 0;
}

int64_t put_stat(Process& p, uint64_t user, const Attributes& a) {
  LinuxStat st{};
  st.dev = 1;
  st.ino = a.ino;
  st.mode = a.mode;
  st.nlink = 1;
  st.size = int64_t(a.size);
  st.blksize = 4096;
  st.blocks = int64_t((a.size + 511) / 512);
  return p.memory.copy_out(user, &st, sizeof st) ? 0 : -kEFAULT;
}

int64_t read_into(Process& p, Descriptor& d, uint64_t buf, uint64_t n, uint64_t offset,
                  bool advance) {
  if (d.kind == Kind::kDirectory) return -kEISDIR;
  if (d.kind == Kind::kConsoleOut) return -kEBADF;
  if (d.kind == Kind::kConsoleIn) {
    // A line at a time, as a terminal in canonical mode delivers it.
    uint64_t got = 0;
    while (got < n) {
      const char c = char(console_read_char());
      if (!p.memory.copy_out(buf + got, &c, 1)) return got ? int64_t(got) : -kEFAULT;
      ++got;
      if (c == '\n') break;
    }
    return int64_t(got);
  }
  const uint64_t size = g_files[d.file].size;
  if (offset >= size) return 0;
  const uint64_t count = n < size - offset ? n : size - offset;
  if (!p.memory.copy_out(buf, file_data(d.file) + offset, count)) return -kEFAULT;
  if (advance) d.offset = offset + count;
  return int64_t(count);
}

int64_t write_from(Process& p, Descriptor& d, uint64_t buf, uint64_t n) {
  if (d.kind != Kind::kConsoleOut) return d.kind == Kind::kDirectory ? -kEISDIR : -kEBADF;
  char chunk[256];
  for (uint64_t done = 0; done < n;) {
    const uint64_t part = n - done < sizeof chunk ? n - done : sizeof chunk;
    if (!p.memory.copy_in(chunk, buf + done, part)) return done ? int64_t(done) : -kEFAULT;
    console_write(chunk, part);
    done += part;
  }
  return int64_t(n);
}

// readv/writev: one iovec at a time through `one`.
template <typename Fn>
int64_t vector_io(Process& p, uint64_t iov, uint64_t count, Fn one) {
  if (count > 1024) return -kEINVAL;
  int64_t total = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t vec[2];
    if (!p.memory.copy_in(vec, iov + 16 * i, sizeof vec)) return -kEFAULT;
    const int64_t r = one(vec[0], vec[1]);
    if (r < 0) return total ? total : r;
    total += r;
    if (uint64_t(r) < vec[1]) break;
  }
  return total;
}

}  // namespace

void files_init(const unitag_linux_boot* boot) {
  g_boot = boot;
  g_files = reinterpret_cast<const unitag_linux_file*>(reinterpret_cast<const uint8_t*>(boot) +
                                                       boot->files_offset);
  g_fds[0].kind = Kind::kConsoleIn;
  g_fds[1].kind = g_fds[2].kind = Kind::kConsoleOut;
}

int64_t sys_openat(Process& p, const uint64_t* a) {
  char path[kPathMax];
  if (const int64_t r = resolve(p, int64_t(a[0]), a[1], path)) return r;
  const uint64_t flags = a[2];
  const int file = find_file(path);
  const bool directory = file < 0 && is_directory(path);
  if (file < 0 && !directory) return (flags & kOCreat) ? -kEROFS : -kENOENT;
  if ((flags & kOAccMode) != 0 || (flags & (kOCreat | kOTrunc)))
    return directory ? -kEISDIR : -kEROFS;
  if ((flags & kODirectory) && !directory) return -kENOTDIR;
  const int fd = free_fd();
  if (fd < 0) return -kEMFILE;
  Descriptor& d = g_fds[fd];
  d = Descriptor{};
  d.kind = directory ? Kind::kDirectory : Kind::kFile;
  d.file = file < 0 ? 0 : uint32_t(file);
  strcpy(d.path, path);
  return fd;
}

int64_t sys_close(Process&, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  d->kind = Kind::kFree;
  return 0;
}

int64_t sys_read(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  return d ? read_into(p, *d, a[1], a[2], d->offset, true) : -kEBADF;
}

int64_t sys_pread64(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  if (d->kind != Kind::kFile) return -kESPIPE;
  return read_into(p, *d, a[1], a[2], a[3], false);
}

int64_t sys_readv(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  return vector_io(p, a[1], a[2], [&](uint64_t buf, uint64_t n) {
    return read_into(p, *d, buf, n, d->offset, true);
  });
}

int64_t sys_write(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  return d ? write_from(p, *d, a[1], a[2]) : -kEBADF;
}

int64_t sys_writev(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  return vector_io(p, a[1], a[2],
                   [&](uint64_t buf, uint64_t n) { return write_from(p, *d, buf, n); });
}

int64_t sys_lseek(Process&, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  if (d->kind != Kind::kFile && d->kind != Kind::kDirectory) return -kESPIPE;
  const int64_t size = d->kind == Kind::kFile ? int64_t(g_files[d->file].size) : 0;
  int64_t base;
  switch (a[2]) {
    case 0:
      base = 0;
      break;
    case 1:
      base = int64_t(d->offset);
      break;
    case 2:
      base = size;
      break;
    default:
      return -kEINVAL;
  }
  const int64_t target = base + int64_t(a[1]);
  if (target < 0) return -kEINVAL;
  d->offset = uint64_t(target);
  return target;
}

int64_t sys_fstat(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  return d ? put_stat(p, a[1], attributes_of(*d)) : -kEBADF;
}

// What newfstatat and statx describe: dirfd itself when the path is empty and AT_EMPTY_PATH is
// set, else the path resolved against dirfd.
int64_t attributes_at(Process& p, int64_t dirfd, uint64_t user_path, uint64_t flags,
                      Attributes& attrs) {
  char path[kPathMax];
  if ((flags & kAtEmptyPath) && p.memory.copy_string_in(path, user_path, sizeof path) && !path[0]) {
    Descriptor* d = fd_at(uint64_t(dirfd));
    if (!d) return -kEBADF;
    attrs = attributes_of(*d);
    return 0;
  }
  if (const int64_t r = resolve(p, dirfd, user_path, path)) return r;
  return stat_path(path, attrs);
}

int64_t sys_newfstatat(Process& p, const uint64_t* a) {
  Attributes attrs;
  if (const int64_t r = attributes_at(p, int64_t(a[0]), a[1], a[3], attrs)) return r;
  return put_stat(p, a[2], attrs);
}

int64_t sys_statx(Process& p, const uint64_t* a) {
  Attributes attrs;
  if (const int64_t r = attributes_at(p, int64_t(a[0]), a[1], a[2], attrs)) return r;
  uint8_t stx[256] = {};
  const uint32_t mask = 0x7ff, blksize = 4096, nlink = 1;  // STATX_BASIC_STATS
  const uint16_t mode = uint16_t(attrs.mode);
  const uint64_t blocks = (attrs.size + 511) / 512, dev_major = 0, dev_minor = 1;
  memcpy(stx + 0, &mask, 4);
  memcpy(stx + 4, &blksize, 4);
  memcpy(stx + 16, &nlink, 4);
  memcpy(stx + 28, &mode, 2);
  memcpy(stx + 32, &attrs.ino, 8);
  memcpy(stx + 40, &attrs.size, 8);
  memcpy(stx + 48, &blocks, 8);
  memcpy(stx + 136, &dev_major, 4);
  memcpy(stx + 140, &dev_minor, 4);
  return p.memory.copy_out(a[3], stx, sizeof stx) ? 0 : -kEFAULT;
}

int64_t sys_getdents64(Process& p, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  if (d->kind != Kind::kDirectory) return -kENOTDIR;
  const size_t prefix = strlen(d->path);
  uint64_t written = 0, index = 0;
  auto emit = [&](const char* name, size_t len, uint8_t type) -> bool {
    if (index++ < d->offset) return true;
    const uint16_t reclen = uint16_t((19 + len + 1 + 7) & ~size_t{7});
    if (written + reclen > a[2]) return false;
    uint8_t rec[19 + kPathMax + 8] = {};
    const uint64_t ino = index, next = index;
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &next, 8);
    memcpy(rec + 16, &reclen, 2);
    rec[18] = type;
    memcpy(rec + 19, name, len);
    if (!p.memory.copy_out(a[1] + written, rec, reclen)) return false;
    written += reclen;
    ++d->offset;
    return true;
  };
  if (!emit(".", 1, 4) || !emit("..", 2, 4)) return int64_t(written);
  for (uint32_t i = 0; i < g_boot->file_count; ++i) {
    const char* path = file_path(i);
    if (strncmp(path, d->path, prefix) || path[prefix] != '/') continue;
    const char* name = path + prefix + 1;
    const char* slash = strchr(name, '/');
    const size_t len = slash ? size_t(slash - name) : strlen(name);
    bool seen = false;  // a subdirectory is listed once, at its first file
    for (uint32_t j = 0; j < i && !seen; ++j) {
      const char* other = file_path(j);
      seen = !strncmp(other, d->path, prefix) && other[prefix] == '/' &&
             !strncmp(other + prefix + 1, name, len) && other[prefix + 1 + len] == '/';
    }
    if (!seen && !emit(name, len, slash ? 4 : 8)) break;
  }
  if (written == 0 && index > d->offset) return -kEINVAL;  // buffer too small for one entry
  return int64_t(written);
}

int64_t sys_ioctl(Process& p, const uint64_t* a) {
  constexpr uint64_t kTcgets = 0x5401, kTiocgwinsz = 0x5413;
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  const bool tty = (d->kind == Kind::kConsoleIn || d->kind == Kind::kConsoleOut) &&
                   (g_boot->flags & UNITAG_LINUX_CONSOLE_IS_TTY);
  if (!tty) return -kENOTTY;
  if (a[1] == kTcgets) {
    // c_iflag ICRNL, c_oflag OPOST|ONLCR, c_cflag CS8|CREAD|B38400, c_lflag ISIG|ICANON|ECHO.
    uint32_t termios[9] = {0400, 05, 0277, 013};
    return p.memory.copy_out(a[2], termios, sizeof termios) ? 0 : -kEFAULT;
  }
  if (a[1] == kTiocgwinsz) {
    const uint16_t winsize[4] = {24, 80, 0, 0};
    return p.memory.copy_out(a[2], winsize, sizeof winsize) ? 0 : -kEFAULT;
  }
  return -kENOTTY;
}

int64_t sys_dup(Process&, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  const int fd = free_fd();
  if (fd < 0) return -kEMFILE;
  g_fds[fd] = *d;
  return fd;
}

int64_t sys_dup3(Process&, const uint64_t* a) {
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  if (a[1] >= kMaxFds || a[0] == a[1]) return -kEINVAL;
  g_fds[a[1]] = *d;
  return int64_t(a[1]);
}

int64_t sys_fcntl(Process& p, const uint64_t* a) {
  constexpr uint64_t kDupfd = 0, kGetfd = 1, kSetfd = 2, kGetfl = 3, kSetfl = 4,
                     kDupfdCloexec = 1030;
  Descriptor* d = fd_at(a[0]);
  if (!d) return -kEBADF;
  switch (a[1]) {
    case kDupfd:
    case kDupfdCloexec: {
      const int fd = free_fd(int(a[2] < kMaxFds ? a[2] : kMaxFds));
      if (fd < 0) return -kEMFILE;
      g_fds[fd] = *d;
      return fd;
    }
    case kGetfd:
    case kSetfd:
    case kSetfl:
      return 0;
    case kGetfl:
      return d->kind == Kind::kConsoleOut ? 1 : 0;  // O_WRONLY / O_RDONLY
    default:
      return -kEINVAL;
  }
}

int64_t sys_faccessat(Process& p, const uint64_t* a) {
  char path[kPathMax];
  if (const int64_t r = resolve(p, int64_t(a[0]), a[1], path)) return r;
  Attributes attrs;
  if (const int64_t r = stat_path(path, attrs)) return r;
  return (a[2] & 2) ? -kEROFS : 0;  // W_OK
}

int64_t sys_readlinkat(Process& p, const uint64_t* a) {
  char path[kPathMax];
  if (const int64_t r = resolve(p, int64_t(a[0]), a[1], path)) return r;
  Attributes attrs;
  if (const int64_t r = stat_path(path, attrs)) return r;
  return -kEINVAL;  // exists, but the ramfs has no symbolic links
}

int64_t sys_getcwd(Process& p, const uint64_t* a) {
  if (a[1] < 2) return -kEINVAL;
  return p.memory.copy_out(a[0], "/", 2) ? 2 : -kEFAULT;
}

int64_t sys_read_only_fs(Process&, const uint64_t*) { return -kEROFS; }

}  // namespace uk::linux_abi
