// The Linux personality's file descriptors: the console (0, 1, 2) and the read-only ramfs that
// `unitag run --file` filled (abi/unitag/linux_boot.h). Each handler takes the raw system-call
// arguments and returns the result or -errno. Kernel-internal.
#pragma once

#include "linux/process.h"

namespace uk::linux_abi {

void files_init(const unitag_linux_boot* boot);

int64_t sys_openat(Process& p, const uint64_t* a);
int64_t sys_close(Process& p, const uint64_t* a);
int64_t sys_read(Process& p, const uint64_t* a);
int64_t sys_pread64(Process& p, const uint64_t* a);
int64_t sys_readv(Process& p, const uint64_t* a);
int64_t sys_write(Process& p, const uint64_t* a);
int64_t sys_writev(Process& p, const uint64_t* a);
int64_t sys_lseek(Process& p, const uint64_t* a);
int64_t sys_fstat(Process& p, const uint64_t* a);
int64_t sys_newfstatat(Process& p, const uint64_t* a);
int64_t sys_statx(Process& p, const uint64_t* a);
int64_t sys_getdents64(Process& p, const uint64_t* a);
int64_t sys_ioctl(Process& p, const uint64_t* a);
int64_t sys_fcntl(Process& p, const uint64_t* a);
int64_t sys_dup(Process& p, const uint64_t* a);
int64_t sys_dup3(Process& p, const uint64_t* a);
int64_t sys_faccessat(Process& p, const uint64_t* a);
int64_t sys_readlinkat(Process& p, const uint64_t* a);
int64_t sys_getcwd(Process& p, const uint64_t* a);
int64_t sys_read_only_fs(Process& p, const uint64_t* a);  // unlinkat, mkdirat, ...

// Linux errno values (the ABI's, not picolibc's).
enum Errno : int64_t {
  kEPERM = 1,
  kENOENT = 2,
  kESRCH = 3,
  kEINTR = 4,
  kEBADF = 9,
  kEAGAIN = 11,
  kENOMEM = 12,
  kEACCES = 13,
  kEFAULT = 14,
  kENOTDIR = 20,
  kEISDIR = 21,
  kEINVAL = 22,
  kEMFILE = 24,
  kENOTTY = 25,
  kESPIPE = 29,
  kEROFS = 30,
  kENAMETOOLONG = 36,
  kENOSYS = 38,
  kETIMEDOUT = 110
};

}  // namespace uk::linux_abi
