/* The unitag library OS, as an application sees it: which hart runs, what the machine booted
 * with, a readable panic, and boot/memory figures. Threads and synchronisation are in
 * unitag/thread.h and unitag/sync.h; files come through the ordinary POSIX calls. */
#ifndef UNITAG_KERNEL_H
#define UNITAG_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UK_MAX_HARTS 64
#define UK_PANIC_EXIT_CODE 134 /* exit status of a panic or abort(), as a shell reports SIGABRT */

/* What the library OS learnt at boot: from the unitag boot info, or defaults + the device tree
 * on QEMU virt. */
struct uk_boot_config {
  unsigned hart_count; /* harts running the kernel */
  int from_bootinfo;   /* 1: unitag boot info; 0: QEMU defaults / device tree */
  uint64_t ram_base;
  uint64_t ram_end;      /* first byte the kernel must not use (boot info page or device tree) */
  uint64_t timebase_hz;  /* mtime ticks per second */
  uint64_t tagged_harts; /* bit i: hart i checks tags */
  uint64_t policies;     /* non-zero: tag policies active, the allocator colours memory */
  int argc;
  char** argv;
  /* The multikernel: this kernel runs one partition of the machine's harts (plain SMP: the only
   * one). Hart numbers the application sees (uk_hart_id, thread placement) count from 0 within
   * the partition; `hart_ids` maps them to the machine's. */
  unsigned partition_index;
  unsigned partition_count;
  uint64_t partition_harts[16]; /* machine hart mask of each partition */
  unsigned hart_ids[UK_MAX_HARTS];
  uint64_t channel_base; /* memory shared with the other partitions (0: none, a local stand-in) */
  uint64_t channel_size;
  unsigned placement;            /* UNITAG_PLACEMENT_* (unitag/bootinfo.h): the offload strategy */
  unsigned machine_harts;        /* harts of the whole machine */
  uint64_t partition_controller; /* elastic partitions (0: none, e.g. on QEMU) */
};

const struct uk_boot_config* uk_boot_info(void);
unsigned uk_hart_id(void);    /* the hart the caller runs on, counted within its partition */
unsigned uk_hart_count(void); /* harts in this partition */

/* Nanoseconds since boot, from the CLINT's mtime. */
uint64_t uk_time_ns(void);

/* minstret of hart 0 when the kernel called main(): the boot cost in instructions. */
uint64_t uk_boot_instret(void);

struct uk_memory_stats {
  uint64_t image_bytes;  /* [0x80000000, _end): code, data, bss */
  uint64_t heap_bytes;   /* size of the heap region */
  uint64_t heap_in_use;  /* bytes handed out by the allocator (incl. headers, rounding) */
  uint64_t heap_peak;    /* largest heap_in_use seen */
  uint64_t thread_count; /* live threads, idle threads included */
};
void uk_memory_stats(struct uk_memory_stats* out);

/* Prints "panic: <message>", the hart, thread and a backtrace, then ends the run with
 * UK_PANIC_EXIT_CODE. */
__attribute__((noreturn, format(printf, 1, 2))) void uk_panic(const char* fmt, ...);

#ifdef __cplusplus
}
#endif

#endif
