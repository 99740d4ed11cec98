// Boot: from reset to main(). Hart 0 (see arch/riscv64/start.S) learns the machine from the
// unitag boot info or, on QEMU virt, from defaults and the device tree, sets up the heap, the
// per-hart schedulers and a main thread, then releases the other harts.
#include "core/boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/riscv64/clint.h"
#include "arch/riscv64/csr.h"
#include "arch/riscv64/fdt.h"
#include "core/sched.h"
#include "mk/mk.h"
#include "mm/heap.h"
#include "posix/console.h"
#include "unitag/bootinfo.h"

extern "C" uint32_t uk_harts_checked_in;
extern "C" uintptr_t* volatile uk_secondary_stacks;
extern "C" int main(int argc, char** argv);
// The application's name for argv[0] where the machine gives none (QEMU); set by unitag_add_app.
extern "C" const char uk_app_name[];

namespace uk {
namespace {

uk_boot_config g_config;
uint64_t g_boot_instret;
constexpr uint64_t kQemuDefaultRam = 128ull << 20;
constexpr size_t kIdleStack = 8 * 1024;

// Splits the device tree's bootargs into argv (QEMU `-append "a b c"`); argv[0] = app name.
void argv_from_bootargs(const char* bootargs) {
  static char* fallback[2] = {const_cast<char*>(uk_app_name), nullptr};
  g_config.argc = 1;
  g_config.argv = fallback;
  if (!bootargs || !*bootargs) return;
  char* copy = strdup(bootargs);
  int count = 1;
  for (char* s = copy; *s;) {
    while (*s == ' ') ++s;
    if (!*s) break;
    ++count;
    while (*s && *s != ' ') ++s;
  }
  char** argv = static_cast<char**>(calloc(size_t(count) + 1, sizeof(char*)));
  if (!copy || !argv) return;
  argv[0] = const_cast<char*>(uk_app_name);
  int n = 1;
  for (char* s = copy; *s;) {
    while (*s == ' ') *s++ = '\0';
    if (!*s) break;
    argv[n++] = s;
    while (*s && *s != ' ') ++s;
  }
  g_config.argc = n;
  g_config.argv = argv;
}

// Fills g_config; returns the device tree's bootargs when booted without unitag boot info.
const char* configure(uintptr_t boot_arg) {
  const auto* info = reinterpret_cast<const unitag_bootinfo*>(boot_arg);
  if (boot_arg >= kImageBase && boot_arg % 8 == 0 && info->magic == UNITAG_BOOTINFO_MAGIC) {
    g_config.from_bootinfo = 1;
    g_config.hart_count = info->hart_count;
    g_config.ram_base = info->ram_base;
    g_config.ram_end = info->ram_base + info->ram_size;
    g_config.timebase_hz = info->timebase_hz ? info->timebase_hz : 10'000'000;
    g_config.tagged_harts = info->tagged_harts;
    g_config.policies = info->policies;
    g_config.argc = int(info->argc);
    g_config.argv = reinterpret_cast<char**>(info->argv);
    if (info->version >= 2 && info->partition_count >= 1 &&
        info->partition_count <= UNITAG_MAX_PARTITIONS &&
        info->partition_index < info->partition_count) {
      g_config.partition_index = info->partition_index;
      g_config.partition_count = info->partition_count;
      for (unsigned p = 0; p < info->partition_count; ++p)
        g_config.partition_harts[p] = info->partition_harts[p];
      g_config.channel_base = info->channel_base;
      g_config.channel_size = info->channel_size;
      g_config.placement = info->placement;
      g_config.partition_controller = info->partition_controller;
    }
    return nullptr;
  }
  // QEMU virt: defaults, refined by the device tree QEMU placed near the top of RAM.
  g_config.from_bootinfo = 0;
  g_config.ram_base = kImageBase;
  g_config.ram_end = kImageBase + kQemuDefaultRam;
  g_config.timebase_hz = 10'000'000;
  const fdt::Facts dt = fdt::read(reinterpret_cast<const void*>(boot_arg));
  if (dt.valid && dt.memory_size) {
    g_config.ram_base = dt.memory_base;
    g_config.ram_end = dt.memory_base + dt.memory_size;
  }
  if (boot_arg >= g_config.ram_base && boot_arg < g_config.ram_end)
    g_config.ram_end = boot_arg & ~uintptr_t{4095};  // keep the device tree intact
  if (dt.valid && dt.cpu_count) {
    g_config.hart_count = dt.cpu_count;
  } else {
    // No device tree: count the harts that reached _start within 1 ms.
    const uint64_t until = clint::mtime() + g_config.timebase_hz / 1000;
    while (clint::mtime() < until) arch::pause();
    g_config.hart_count = __atomic_load_n(&uk_harts_checked_in, __ATOMIC_ACQUIRE);
  }
  return dt.valid ? dt.bootargs : nullptr;
}

void* main_thread(void*) {
  mk::init();
  if (g_config.partition_count > 1) mk::start_services();
  for (InitFunction* c = __init_array_start; c < __init_array_end; ++c) (*c)();
  atexit([] {
    for (InitFunction* c = __fini_array_end; c > __fini_array_start;) (*--c)();
  });
  g_boot_instret = arch::instret();
  exit(main(g_config.argc, g_config.argv));
}

}  // namespace

const uk_boot_config& boot_config() { return g_config; }

unsigned local_index(unsigned machine_hart) {
  for (unsigned h = 0; h < g_config.hart_count; ++h)
    if (g_config.hart_ids[h] == machine_hart) return h;
  return 0;
}

void trap_init_hart() {
  UK_CSR_WRITE(mtvec, reinterpret_cast<uintptr_t>(uk_trap_entry));
  UK_CSR_WRITE(mie, arch::kMieMsie | arch::kMieMtie);
}

[[noreturn]] void idle_loop() {
  for (;;) {
    arch::irq_disable();
    if (this_cpu()->rq_head)
      schedule();
    else
      arch::wait_for_interrupt();
    arch::irq_enable();  // takes the interrupt that ended wfi
  }
}

}  // namespace uk

using namespace uk;

extern "C" [[noreturn]] void uk_boot_primary(uint64_t hart, uintptr_t boot_arg) {
  const char* bootargs = configure(boot_arg);
  if (g_config.hart_count == 0) g_config.hart_count = 1;
  if (g_config.hart_count > UK_MAX_HARTS) g_config.hart_count = UK_MAX_HARTS;
  heap_init(reinterpret_cast<uintptr_t>(_end), g_config.ram_end, g_config.policies != 0);
  if (!g_config.from_bootinfo) argv_from_bootargs(bootargs);

  // This kernel's harts: its partition's, or all of them (plain SMP, QEMU).
  if (g_config.partition_count == 0) {
    g_config.partition_count = 1;
    g_config.partition_harts[0] =
        g_config.hart_count >= 64 ? ~uint64_t{0} : (uint64_t{1} << g_config.hart_count) - 1;
  }
  g_config.machine_harts = g_config.hart_count;
  const uint64_t mine = g_config.partition_harts[g_config.partition_index];
  unsigned harts = 0;
  for (unsigned h = 0; h < UK_MAX_HARTS; ++h)
    if (mine >> h & 1) g_config.hart_ids[harts++] = h;
  g_config.hart_count = harts;
  g_cpus = static_cast<Cpu*>(calloc(harts, sizeof(Cpu)));
  // Indexed by machine hart id: the reset code of each hart picks its own stack by mhartid.
  auto* stacks = static_cast<uintptr_t*>(calloc(UK_MAX_HARTS, sizeof(uintptr_t)));
  if (!g_cpus || !stacks) {
    console_write_raw("uk: out of memory at boot\n");
    console_exit(UK_PANIC_EXIT_CODE);
  }
  for (unsigned h = 0; h < harts; ++h) {
    uk_thread* idle = thread_create_idle(&g_cpus[h], h == 0 ? 0 : kIdleStack);
    if (!idle) {
      console_write_raw("uk: out of memory at boot\n");
      console_exit(UK_PANIC_EXIT_CODE);
    }
    g_cpus[h].idle = idle;
    stacks[g_config.hart_ids[h]] = reinterpret_cast<uintptr_t>(idle->stack_base) + idle->stack_size;
  }
  Cpu* boot_cpu = &g_cpus[local_index(unsigned(hart))];
  uk_thread* idle0 = boot_cpu->idle;
  __asm__ volatile("mv tp, %0" ::"r"(idle0->tls));
  sched_init_cpu(boot_cpu, unsigned(hart), idle0);
  trap_init_hart();
  if (!thread_boot_main(main_thread)) {
    console_write_raw("uk: out of memory at boot\n");
    console_exit(UK_PANIC_EXIT_CODE);
  }
  __atomic_store_n(&uk_secondary_stacks, stacks, __ATOMIC_RELEASE);
  for (unsigned h = 0; h < harts; ++h)
    if (g_config.hart_ids[h] != hart) clint::send_ipi(g_config.hart_ids[h]);
  idle_loop();
}

extern "C" [[noreturn]] void uk_boot_secondary(uint64_t hart) {
  Cpu* cpu = &g_cpus[local_index(unsigned(hart))];
  __asm__ volatile("mv tp, %0" ::"r"(cpu->idle->tls));
  sched_init_cpu(cpu, unsigned(hart), cpu->idle);
  clint::clear_ipi(unsigned(hart));
  trap_init_hart();
  idle_loop();
}

extern "C" const struct uk_boot_config* uk_boot_info(void) { return &g_config; }
extern "C" unsigned uk_hart_id(void) { return unsigned(this_cpu() - g_cpus); }
extern "C" unsigned uk_hart_count(void) { return g_config.hart_count; }
extern "C" uint64_t uk_boot_instret(void) { return g_boot_instret; }
extern "C" uint64_t uk_time_ns(void) {
  const uint64_t t = clint::mtime(), hz = g_config.timebase_hz;
  return t / hz * 1'000'000'000 + t % hz * 1'000'000'000 / hz;
}
