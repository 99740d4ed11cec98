// Read-only ramfs over the file table packed into the image (unitag/ramfs.h). Directories are
// implied by the paths: "/data" exists when some file lies below it. Kernel-internal.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "unitag/ramfs.h"

namespace uk::ramfs {

struct Node {
  const uk_ramfs_file* file;  // nullptr for a directory
  bool is_dir;
};

// Looks a path up ("/a/b", "a/b", "./a/b" and "/" are accepted). False when absent.
bool lookup(const char* path, Node* out, char* normalized, size_t normalized_size);
// The index-th entry directly inside directory `dir` (normalized). False past the last entry.
bool list(const char* dir, size_t index, char* name, size_t name_size, bool* is_dir);

}  // namespace uk::ramfs
