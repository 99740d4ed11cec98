/* Directory listing for the unitag library OS's read-only ramfs (picolibc ships no dirent.h
 * implementation). Entries come in the order the files were packed. */
#ifndef UNITAG_DIRENT_H
#define UNITAG_DIRENT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DT_UNKNOWN 0
#define DT_DIR 4
#define DT_REG 8

struct dirent {
  ino_t d_ino;
  unsigned char d_type;
  char d_name[256];
};

typedef struct uk_dir DIR;

DIR* opendir(const char* path);
struct dirent* readdir(DIR* dir);
void rewinddir(DIR* dir);
int closedir(DIR* dir);
int dirfd(DIR* dir);

#ifdef __cplusplus
}
#endif

#endif
