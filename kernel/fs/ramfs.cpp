// Read-only ramfs (see ramfs.h). Linear scans: images carry a handful of files.
#include "fs/ramfs.h"

#include <string.h>

namespace uk::ramfs {
namespace {

// "a//b/./c/" -> "/a/b/c"; ".." is not supported (returns false).
bool normalize(const char* in, char* out, size_t size) {
  size_t n = 0;
  out[n++] = '/';
  while (*in) {
    while (*in == '/') ++in;
    const char* start = in;
    while (*in && *in != '/') ++in;
    const size_t len = size_t(in - start);
    if (len == 0 || (len == 1 && start[0] == '.')) continue;
    if (len == 2 && start[0] == '.' && start[1] == '.') return false;
    if (n > 1) out[n++] = '/';
    if (n + len + 1 > size) return false;
    memcpy(out + n, start, len);
    n += len;
  }
  out[n] = '\0';
  return true;
}

// Is `path` strictly below directory `dir`? Returns the remainder after "dir/".
const char* below(const char* path, const char* dir) {
  if (strcmp(dir, "/") == 0) return path + 1;
  const size_t len = strlen(dir);
  if (strncmp(path, dir, len) != 0 || path[len] != '/') return nullptr;
  return path + len + 1;
}

}  // namespace

bool lookup(const char* path, Node* out, char* normalized, size_t normalized_size) {
  if (!normalize(path, normalized, normalized_size)) return false;
  for (uint64_t i = 0; i < uk_ramfs_file_count; ++i) {
    const uk_ramfs_file& f = uk_ramfs_files[i];
    if (strcmp(f.path, normalized) == 0) {
      *out = {&f, false};
      return true;
    }
    if (below(f.path, normalized)) {
      *out = {nullptr, true};
      return true;
    }
  }
  if (strcmp(normalized, "/") == 0) {
    *out = {nullptr, true};
    return true;
  }
  return false;
}

bool list(const char* dir, size_t index, char* name, size_t name_size, bool* is_dir) {
  size_t seen = 0;
  for (uint64_t i = 0; i < uk_ramfs_file_count; ++i) {
    const char* rest = below(uk_ramfs_files[i].path, dir);
    if (!rest) continue;
    const char* slash = strchr(rest, '/');
    const size_t len = slash ? size_t(slash - rest) : strlen(rest);
    // Skip a subdirectory already reported by an earlier file.
    bool duplicate = false;
    for (uint64_t j = 0; j < i && !duplicate; ++j) {
      const char* other = below(uk_ramfs_files[j].path, dir);
      duplicate = other && strncmp(other, rest, len) == 0 && (other[len] == '/' || other[len] == 0);
    }
    if (duplicate) continue;
    if (seen++ == index) {
      const size_t copy = len < name_size - 1 ? len : name_size - 1;
      memcpy(name, rest, copy);
      name[copy] = '\0';
      *is_dir = slash != nullptr;
      return true;
    }
  }
  return false;
}

}  // namespace uk::ramfs
