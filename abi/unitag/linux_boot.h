/* How `unitag run` hands a Linux program to the library OS's Linux personality (linux_abi.elf):
 * one block at the top of RAM, just above the boot info's ram_size (so the kernel's heap never
 * reaches it) and below the boot-info page. Offsets count from the block's first byte. Plain C so
 * the host (tools/unitag/linux_program.cpp) and the guest (kernel/linux/) share it. */
#ifndef UNITAG_ABI_LINUX_BOOT_H
#define UNITAG_ABI_LINUX_BOOT_H

#include <stdint.h>

#define UNITAG_LINUX_BOOT_MAGIC 0x58554e494c475455ull /* "UTGLINUX", little-endian */
#define UNITAG_LINUX_BOOT_VERSION 1u
#define UNITAG_LINUX_CONSOLE_IS_TTY 1u /* flags: the host's stdout is a terminal */

struct unitag_linux_file {
  uint64_t path_offset; /* absolute guest path, NUL-terminated */
  uint64_t data_offset;
  uint64_t size;
};

struct unitag_linux_boot {
  uint64_t magic; /* UNITAG_LINUX_BOOT_MAGIC */
  uint32_t version;
  uint32_t flags;
  uint64_t total_size;
  uint64_t program_offset; /* the ELF file, byte for byte */
  uint64_t program_size;
  uint64_t strings_offset; /* argc argv strings then envc environment strings, each NUL-ended */
  uint32_t argc;
  uint32_t envc;
  uint64_t files_offset; /* file_count struct unitag_linux_file: the ramfs */
  uint32_t file_count;
  uint32_t reserved;
  uint64_t realtime_ns; /* host CLOCK_REALTIME at start: CLOCK_REALTIME = this + time since boot */
  uint8_t random[16];   /* seeds AT_RANDOM and getrandom */
};

#endif
