/* An S-mode payload for OpenSBI (fw_jump): reports what the SBI implementation says about
   itself and the machine, using only SBI calls for output (legacy console putchar, and the
   debug console extension DBCN where the firmware has it), arms a timer through the TIME
   extension and sees STIP, starts another hart through HSM (which stops itself again; on one
   hart the start is refused), and powers off with SRST, so the run ends with exit code 0. */
#include <stdint.h>

struct sbiret {
  long error, value;
};

static struct sbiret sbi_call(long eid, long fid, long a0, long a1, long a2) {
  register long r0 __asm__("a0") = a0;
  register long r1 __asm__("a1") = a1;
  register long r2 __asm__("a2") = a2;
  register long r6 __asm__("a6") = fid;
  register long r7 __asm__("a7") = eid;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){r0, r1};
}

#define SBI_LEGACY_PUTCHAR 0x01
#define SBI_BASE 0x10
#define SBI_TIME 0x54494d45
#define SBI_HSM 0x48534d
#define SBI_SRST 0x53525354
#define SBI_DBCN 0x4442434e

static void putc_legacy(char c) { sbi_call(SBI_LEGACY_PUTCHAR, 0, c, 0, 0); }
static void puts_legacy(const char* s) {
  while (*s) putc_legacy(*s++);
}
static void put_hex(const char* name, uint64_t v) {
  puts_legacy(name);
  puts_legacy(" 0x");
  for (int shift = 60; shift >= 0; shift -= 4) putc_legacy("0123456789abcdef"[(v >> shift) & 15]);
  putc_legacy('\n');
}
static uint64_t read_time(void) {
  uint64_t t;
  __asm__ volatile("rdtime %0" : "=r"(t));
  return t;
}
static uint64_t read_sip(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, sip" : "=r"(v));
  return v;
}

void _secondary(void);
static volatile uint64_t secondary_opaque, secondary_ran;

/* Started through HSM: reports back, then stops (HSM hart_stop does not return). */
void secondary_main(uint64_t hartid, uint64_t opaque) {
  (void)hartid;
  secondary_opaque = opaque;
  __atomic_store_n(&secondary_ran, 1, __ATOMIC_RELEASE);
  sbi_call(SBI_HSM, 1, 0, 0, 0);
}

/* HSM hart_start of the next hart (none on one hart): its status while it runs and after it
   stopped itself. Only facts that do not depend on which hart won OpenSBI's boot lottery. */
static void start_secondary(uint64_t hartid, uint64_t harts) {
  const uint64_t other = (hartid + 1) % harts;
  const long error =
      sbi_call(SBI_HSM, 0, (long)(harts == 1 ? 1 : other), (long)(uintptr_t)_secondary, 0x5ec0).error;
  put_hex("hart_start error (0 = ok, -3 = no such hart)", (uint64_t)error);
  if (error) return;
  for (uint64_t spins = 0; !__atomic_load_n(&secondary_ran, __ATOMIC_ACQUIRE) && spins < 100000000;
       ++spins) {
  }
  put_hex("secondary ran with opaque", secondary_opaque);
  long status = 0;
  for (uint64_t spins = 0; spins < 100000000; ++spins) {
    status = sbi_call(SBI_HSM, 2, (long)other, 0, 0).value;
    if (status == 1) break;
  }
  put_hex("secondary status after hart_stop (1 = stopped)", (uint64_t)status);
}

/* The number of cpu@N nodes in the device tree: node names in the structure block follow the
   big-endian BEGIN_NODE token 0x00000001, so "cpu@" + a digit right after one is a cpu node. */
static uint64_t count_harts(const uint8_t* fdt) {
  const uint32_t off = __builtin_bswap32(*(const uint32_t*)(fdt + 8));
  const uint32_t size = __builtin_bswap32(*(const uint32_t*)(fdt + 36));
  uint64_t n = 0;
  for (uint32_t i = off; i + 5 < off + size; ++i)
    if (fdt[i] == 'c' && fdt[i + 1] == 'p' && fdt[i + 2] == 'u' && fdt[i + 3] == '@' &&
        fdt[i + 4] >= '0' && fdt[i + 4] <= '9' && fdt[i - 1] == 1 && fdt[i - 2] == 0)
      ++n;
  return n;
}

void payload_main(uint64_t hartid, uint64_t fdt) {
  puts_legacy("payload: S-mode, legacy console\n");
  put_hex("boot hart", hartid);
  put_hex("device tree magic", __builtin_bswap32(*(volatile uint32_t*)fdt));
  put_hex("spec version", (uint64_t)sbi_call(SBI_BASE, 0, 0, 0, 0).value);
  put_hex("implementation (1 = OpenSBI)", (uint64_t)sbi_call(SBI_BASE, 1, 0, 0, 0).value);
  put_hex("probe TIME", (uint64_t)sbi_call(SBI_BASE, 3, SBI_TIME, 0, 0).value);
  put_hex("probe HSM", (uint64_t)sbi_call(SBI_BASE, 3, SBI_HSM, 0, 0).value);
  put_hex("probe SRST", (uint64_t)sbi_call(SBI_BASE, 3, SBI_SRST, 0, 0).value);
  put_hex("own HSM status (0 = started)", (uint64_t)sbi_call(SBI_HSM, 2, (long)hartid, 0, 0).value);

  const long dbcn = sbi_call(SBI_BASE, 3, SBI_DBCN, 0, 0).value;
  if (dbcn) {
    static const char line[] = "payload: debug console (DBCN) write\n";
    sbi_call(SBI_DBCN, 0, sizeof line - 1, (long)(uintptr_t)line, 0);
  } else {
    puts_legacy("payload: this firmware has no debug console (DBCN)\n");
  }

  /* The firmware turns its machine timer into the supervisor timer pending bit. */
  sbi_call(SBI_TIME, 0, (long)(read_time() + 1000), 0, 0);
  uint64_t spins = 0;
  while ((read_sip() & (1u << 5)) == 0 && spins < 100000000) ++spins;
  put_hex("STIP after the timer", (read_sip() >> 5) & 1);
  sbi_call(SBI_TIME, 0, -1, 0, 0);
  put_hex("STIP after disarming", (read_sip() >> 5) & 1);

  start_secondary(hartid, count_harts((const uint8_t*)fdt));

  puts_legacy("payload: shutting down through SRST\n");
  sbi_call(SBI_SRST, 0, 0, 0, 0);
  puts_legacy("payload: SRST returned\n");
}
