/* Boot-information ABI between the unitag machine and guest kernels.
 * Every hart enters the image's entry point with a0 = mhartid and a1 = the guest address of a
 * struct unitag_bootinfo. On QEMU `virt`, a1 points at a device tree instead: a guest checks
 * `magic` and falls back to defaults when it does not match. Plain C so guest and host share it. */
#ifndef UNITAG_ABI_BOOTINFO_H
#define UNITAG_ABI_BOOTINFO_H

#include <stdint.h>

#define UNITAG_BOOTINFO_MAGIC 0x4f464e4947415455ull /* "UTAGINFO", little-endian */
#define UNITAG_BOOTINFO_VERSION 1u
#define UNITAG_BOOTINFO_SIZE 4096u /* the info sits in the last page of RAM */
#define UNITAG_MAX_PARTITIONS 16u

/* Bits of `policies`. The tag instructions colour memory only under heap; guests may execute them
 * whenever `policies` is non-zero (they do nothing under a policy that does not colour). */
#define UNITAG_POLICY_RWX (1u << 0)
#define UNITAG_POLICY_HEAP (1u << 1)
#define UNITAG_POLICY_STACK (1u << 2)
#define UNITAG_POLICY_CFI (1u << 3)
#define UNITAG_POLICY_FRAME (1u << 4)
#define UNITAG_POLICY_BOUNDS (1u << 9)

struct unitag_bootinfo {
  uint64_t magic;           /* UNITAG_BOOTINFO_MAGIC */
  uint32_t version;         /* UNITAG_BOOTINFO_VERSION */
  uint32_t hart_count;      /* harts that start at the entry point */
  uint64_t ram_base;        /* 0x80000000 */
  uint64_t ram_size;        /* usable RAM in bytes; excludes this page at the top */
  uint64_t tagged_harts;    /* bit i set: hart i checks tags */
  uint64_t timebase_hz;     /* mtime ticks per second */
  uint32_t argc;            /* guest arguments (after `--` on the unitag command line) */
  uint32_t partition_count; /* multikernel partitions; 1 = plain SMP */
  uint64_t argv;            /* guest address of a char*[argc + 1] array, NULL-terminated */
  uint64_t partition_harts[UNITAG_MAX_PARTITIONS]; /* hart mask per partition */
  uint64_t policies; /* UNITAG_POLICY_* bits of the active tag policies (0 = untagged run) */
  /* strings and the argv array follow in the same page */
};

#endif
