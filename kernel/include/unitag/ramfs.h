/* The read-only ramfs image: files named at build time (unitag_add_app FILES) are packed into
 * the ELF as this table. Applications use open/read/stat/opendir; this header is the format
 * shared by the build-time generator (cmake/unitag_guest.cmake) and kernel/fs/ramfs.cpp. */
#ifndef UNITAG_RAMFS_H
#define UNITAG_RAMFS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uk_ramfs_file {
  const char* path; /* absolute, e.g. "/data/words.txt" */
  const uint8_t* data;
  uint64_t size;
};

/* Defined by the generated ramfs object of each application (empty when it has no FILES). */
extern const struct uk_ramfs_file uk_ramfs_files[];
extern const uint64_t uk_ramfs_file_count;

#ifdef __cplusplus
}
#endif

#endif
