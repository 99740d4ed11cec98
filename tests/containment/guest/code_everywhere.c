/* A memory-hungry guest: fills every page of RAM above the image and runs code in each (a
   `ret` written at its start), so the host both backs all of RAM and decodes code on every
   page. The host's memory must stay bounded by the RAM size plus a fixed amount. */
#include "runtime.h"

extern char _end[];

int main(void) {
  const uint64_t ram_end = 0x80000000u + ((uint64_t)MEM_MIB << 20);
  uint64_t pages = 0;
  for (uint64_t page = ((uint64_t)_end + 4095) & ~(uint64_t)4095; page < ram_end; page += 4096) {
    for (uint64_t* w = (uint64_t*)page; w < (uint64_t*)(page + 4096); w += 8) *w = page;
    *(volatile uint32_t*)page = 0x00008067; /* jalr x0, 0(ra): ret */
    __asm__ volatile("fence.i" ::: "memory");
    ((void (*)(void))page)();
    ++pages;
  }
  bare_puts("ran code in ");
  bare_put_dec((int64_t)pages);
  bare_puts(" pages\n");
  return 0;
}
