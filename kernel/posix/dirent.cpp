// opendir/readdir/closedir over ramfs directories (include/dirent.h; picolibc has none).
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "posix/files.h"

struct uk_dir {
  int fd;
  struct dirent entry;
};

using namespace uk;

extern "C" DIR* opendir(const char* path) {
  const int fd = file_open(path, true);
  if (fd < 0) {
    errno = -fd;
    return nullptr;
  }
  DIR* d = static_cast<DIR*>(calloc(1, sizeof(DIR)));
  if (!d) {
    close(fd);
    errno = ENOMEM;
    return nullptr;
  }
  d->fd = fd;
  return d;
}

extern "C" struct dirent* readdir(DIR* d) {
  OpenFile* f = file_for(d->fd);
  bool is_dir = false;
  if (!f || !ramfs::list(f->path, f->pos, d->entry.d_name, sizeof d->entry.d_name, &is_dir))
    return nullptr;
  ++f->pos;
  d->entry.d_ino = ino_t(f->pos);
  d->entry.d_type = is_dir ? DT_DIR : DT_REG;
  return &d->entry;
}

extern "C" void rewinddir(DIR* d) {
  if (OpenFile* f = file_for(d->fd)) f->pos = 0;
}

extern "C" int closedir(DIR* d) {
  const int r = close(d->fd);
  free(d);
  return r;
}

extern "C" int dirfd(DIR* d) { return d->fd; }
