/* Writes everywhere: pseudo-random stores (1, 2, 4 and 8 bytes, aligned or not) all over the
   64-bit physical address space, the RAM outside this image and the device windows (UART,
   CLINT, PLIC; not the test finisher, whose writes are the guest's own way out). A trap handler
   skips each store that faults. The host must come through untouched and the run must end
   with the guest's own report. Built with INTO_IMAGE, it stores into its own image as well. */
#include "runtime.h"

extern char _start[], _end[];

static volatile uint64_t faults;

__attribute__((aligned(4), interrupt("machine"))) static void skip_faulting_store(void) {
  uint64_t epc, insn;
  __asm__ volatile("csrr %0, mepc" : "=r"(epc));
  insn = *(volatile uint16_t*)epc;
  __asm__ volatile("csrw mepc, %0" ::"r"(epc + ((insn & 3) == 3 ? 4 : 2)));
  ++faults;
}

static uint64_t state = 0x9e3779b97f4a7c15u;
static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545f4914f6cdd1du;
}

static void store(uint64_t addr, uint64_t value, unsigned size) {
  switch (size) {
    case 0: __asm__ volatile("sb %0, 0(%1)" ::"r"(value), "r"(addr) : "memory"); break;
    case 1: __asm__ volatile("sh %0, 0(%1)" ::"r"(value), "r"(addr) : "memory"); break;
    case 2: __asm__ volatile("sw %0, 0(%1)" ::"r"(value), "r"(addr) : "memory"); break;
    default: __asm__ volatile("sd %0, 0(%1)" ::"r"(value), "r"(addr) : "memory"); break;
  }
}

int main(void) {
  __asm__ volatile("csrw mtvec, %0" ::"r"(skip_faulting_store));
  const uint64_t image_end = ((uint64_t)_end + 4095) & ~(uint64_t)4095;
  __attribute__((unused)) const uint64_t ram_end = 0x80000000u + (64u << 20); /* --mem 64M */
  static const uint64_t devices[][2] = {{0x10000000, 0x100}, /* UART: its bytes go out */
                                        {0x2000000, 0x10000}, /* CLINT */
                                        {0xc000000, 0x400000}}; /* PLIC */
  enum { kStores = 200000 };
  for (int i = 0; i < kStores; ++i) {
    const uint64_t r = next();
    uint64_t value = next();
    uint64_t addr;
    switch (r & 3) {
      case 0: addr = next(); break; /* anywhere at all */
      case 1: addr = (next() & 0xffffffffu); break; /* the low 4 GiB, where devices live */
      case 2: {
        const uint64_t* d = devices[(r >> 8) % 3];
        addr = d[0] + next() % d[1];
        if (d[0] == 0x10000000) value &= 0x7f; /* printable-ish, into the UART */
        break;
      }
#ifdef INTO_IMAGE /* its own code and data too: under rwx the first store into code stops it */
      default: addr = (uint64_t)_start + next() % (image_end - (uint64_t)_start); break;
#else
      default: addr = image_end + next() % (ram_end - image_end); break;
#endif
    }
    if (addr >= 0x100000 && addr < 0x101000) continue; /* the finisher: the way out */
#ifndef INTO_IMAGE
    if (addr >= (uint64_t)_start - 8 && addr < image_end) continue;
#endif
    store(addr, value, (r >> 4) & 3);
  }
  bare_puts("\nscribbled ");
  bare_put_dec(kStores);
  bare_puts(" stores, ");
  bare_put_dec((int64_t)faults);
  bare_puts(" faulted\n");
  return 0;
}
