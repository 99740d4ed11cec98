// POSIX file calls for picolibc: descriptors 0-2 are the console, the others open ramfs files
// and directories (read-only). One table for the whole kernel, guarded by a spinlock.
#include "posix/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/ramfs.h"
#include "posix/console.h"
#include "unitag/sync.h"

namespace uk {
namespace {

OpenFile g_files[kMaxFiles];
uk_spinlock g_files_lock;

bool is_console(int fd) { return fd >= 0 && fd <= 2; }

void fill_stat(struct stat* st, const ramfs::Node& node) {
  memset(st, 0, sizeof *st);
  st->st_mode = node.is_dir ? (S_IFDIR | 0555) : (S_IFREG | 0444);
  st->st_nlink = 1;
  st->st_size = node.is_dir ? 0 : off_t(node.file->size);
  st->st_blksize = 512;
  st->st_blocks = (st->st_size + 511) / 512;
}

}  // namespace

OpenFile* file_for(int fd) {
  if (fd < 3 || fd >= kMaxFiles || !g_files[fd].used) return nullptr;
  return &g_files[fd];
}

int file_open(const char* path, bool want_dir) {
  ramfs::Node node;
  char normalized[kMaxPath];
  if (!ramfs::lookup(path, &node, normalized, sizeof normalized)) return -ENOENT;
  if (want_dir && !node.is_dir) return -ENOTDIR;
  const uint64_t flags = uk_spin_lock(&g_files_lock);
  int fd = -EMFILE;
  for (int i = 3; i < kMaxFiles; ++i) {
    if (!g_files[i].used) {
      g_files[i] = OpenFile{true, node, 0, {}};
      strcpy(g_files[i].path, normalized);
      fd = i;
      break;
    }
  }
  uk_spin_unlock(&g_files_lock, flags);
  return fd;
}

}  // namespace uk

using namespace uk;

extern "C" int open(const char* path, int flags, ...) {
  if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
    errno = EROFS;
    return -1;
  }
  const int fd = file_open(path, (flags & O_DIRECTORY) != 0);
  if (fd < 0) {
    errno = -fd;
    return -1;
  }
  return fd;
}

extern "C" int close(int fd) {
  if (is_console(fd)) return 0;
  OpenFile* f = file_for(fd);
  if (!f) {
    errno = EBADF;
    return -1;
  }
  f->used = false;
  return 0;
}

extern "C" ssize_t read(int fd, void* buf, size_t n) {
  if (fd == 0) {
    if (n == 0) return 0;
    auto* out = static_cast<char*>(buf);
    size_t got = 0;
    do {
      out[got] = char(console_read_char());
    } while (out[got++] != '\n' && got < n);
    return ssize_t(got);
  }
  OpenFile* f = file_for(fd);
  if (!f) {
    errno = EBADF;
    return -1;
  }
  if (f->node.is_dir) {
    errno = EISDIR;
    return -1;
  }
  const uint64_t size = f->node.file->size;
  const uint64_t avail = f->pos < size ? size - f->pos : 0;
  const size_t count = n < avail ? n : size_t(avail);
  memcpy(buf, f->node.file->data + f->pos, count);
  f->pos += count;
  return ssize_t(count);
}

extern "C" ssize_t write(int fd, const void* buf, size_t n) {
  if (fd == 1 || fd == 2) {
    console_write(static_cast<const char*>(buf), n);
    return ssize_t(n);
  }
  errno = EBADF;  // ramfs files are read-only: never open for writing
  return -1;
}

extern "C" off_t lseek(int fd, off_t offset, int whence) {
  OpenFile* f = file_for(fd);
  if (!f || f->node.is_dir) {
    errno = is_console(fd) ? ESPIPE : EBADF;
    return -1;
  }
  const int64_t base = whence == SEEK_SET   ? 0
                       : whence == SEEK_CUR ? int64_t(f->pos)
                       : whence == SEEK_END ? int64_t(f->node.file->size)
                                            : -1;
  if (base < 0 || base + offset < 0) {
    errno = EINVAL;
    return -1;
  }
  f->pos = uint64_t(base + offset);
  return off_t(f->pos);
}

extern "C" int fstat(int fd, struct stat* st) {
  if (is_console(fd)) {
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    return 0;
  }
  OpenFile* f = file_for(fd);
  if (!f) {
    errno = EBADF;
    return -1;
  }
  fill_stat(st, f->node);
  return 0;
}

extern "C" int stat(const char* path, struct stat* st) {
  ramfs::Node node;
  char normalized[kMaxPath];
  if (!ramfs::lookup(path, &node, normalized, sizeof normalized)) {
    errno = ENOENT;
    return -1;
  }
  fill_stat(st, node);
  return 0;
}

extern "C" int isatty(int fd) { return is_console(fd) ? 1 : (errno = ENOTTY, 0); }
extern "C" int getpid(void) { return 1; }
extern "C" int kill(int, int) {
  errno = ENOSYS;
  return -1;
}
