/* Boot-information ABI between the unitag machine and guest kernels.
 * Every hart enters the image's entry point with a0 = mhartid and a1 = the guest address of a
 * struct unitag_bootinfo. On QEMU `virt`, a1 points at a device tree instead: a guest checks
 * `magic` and falls back to defaults when it does not match. Plain C so guest and host share it. */
#ifndef UNITAG_ABI_BOOTINFO_H
#define UNITAG_ABI_BOOTINFO_H

#include <stdint.h>

#define UNITAG_BOOTINFO_MAGIC 0x4f464e4947415455ull /* "UTAGINFO", little-endian */
#define UNITAG_BOOTINFO_VERSION 2u
#define UNITAG_BOOTINFO_SIZE 4096u /* the info sits in the last page of RAM */
#define UNITAG_MAX_PARTITIONS 16u

/* Bits of `policies`. The tag instructions colour memory only under heap; guests may execute them
 * whenever `policies` is non-zero (they do nothing under a policy that does not colour). */
#define UNITAG_POLICY_RWX (1u << 0)
#define UNITAG_POLICY_HEAP (1u << 1)
#define UNITAG_POLICY_STACK (1u << 2)
#define UNITAG_POLICY_CFI (1u << 3)
#define UNITAG_POLICY_FRAME (1u << 4)
#define UNITAG_POLICY_MTE (1u << 8)
#define UNITAG_POLICY_BOUNDS (1u << 9)
#define UNITAG_POLICY_TYPES (1u << 10)

/* Values of `placement` (`unitag run --placement`). */
#define UNITAG_PLACEMENT_CRITICAL_ONLY                                                          \
  0u                                    /* bulk on untagged partitions, critical code offloaded \
                                         */
#define UNITAG_PLACEMENT_ALL_TAGGED 1u  /* everything on tagged partitions */
#define UNITAG_PLACEMENT_NONE_TAGGED 2u /* everything on untagged partitions, nothing offloaded */

/* Offset of boot_hart, for the reset code (start.S) that picks each partition's boot hart. */
#define UNITAG_BOOTINFO_BOOT_HART_OFFSET 204

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
  /* version 2: the multikernel. Every partition gets its own copy of this page, at the top of its
   * private RAM (ram_base/ram_size describe that private RAM). */
  uint32_t partition_index; /* which partition reads this page */
  uint32_t boot_hart;       /* the hart that boots this partition's kernel (its lowest) */
  uint64_t channel_base;    /* memory shared by all partitions (0: none) */
  uint64_t channel_size;
  uint32_t placement; /* UNITAG_PLACEMENT_*: where the offload scheduler puts work */
  uint32_t reserved;
  uint64_t partition_controller; /* starts and stops partitions at run time (0: none) */
  /* strings and the argv array follow in the same page */
};

#ifdef __cplusplus
static_assert(__builtin_offsetof(unitag_bootinfo, boot_hart) == UNITAG_BOOTINFO_BOOT_HART_OFFSET,
              "start.S reads boot_hart at this offset");
#endif

#endif
