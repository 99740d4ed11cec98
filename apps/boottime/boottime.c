/* Boot and memory figures for docs/libos.md: instructions hart 0 retired from reset to main(),
 * the image and heap footprint. (Numbers depend on the machine, so no test compares them with
 * QEMU's.) */
#include <stdio.h>
#include <unitag/kernel.h>

int main(void) {
  struct uk_memory_stats m;
  uk_memory_stats(&m);
  printf("boot: %llu instructions on hart 0 from reset to main\n",
         (unsigned long long)uk_boot_instret());
  printf("image: %llu bytes of RAM (code, data, bss, boot stack)\n",
         (unsigned long long)m.image_bytes);
  printf("heap: %llu bytes in use at main (peak %llu) of %llu\n", (unsigned long long)m.heap_in_use,
         (unsigned long long)m.heap_peak, (unsigned long long)m.heap_bytes);
  printf("threads: %llu (idle threads included)\n", (unsigned long long)m.thread_count);
  return 0;
}
