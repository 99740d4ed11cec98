// The open-file table shared by posix/files.cpp and posix/dirent.cpp. Kernel-internal.
#pragma once

#include "fs/ramfs.h"

namespace uk {

inline constexpr int kMaxFiles = 32;
inline constexpr size_t kMaxPath = 256;

struct OpenFile {
  bool used;
  ramfs::Node node;
  uint64_t pos;  // byte offset, or the next entry index of a directory
  char path[kMaxPath];
};

// Opens a ramfs path; returns the descriptor or -errno.
int file_open(const char* path, bool want_dir);
OpenFile* file_for(int fd);

}  // namespace uk
