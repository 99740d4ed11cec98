/* Compute workload: table-driven CRC-32 over a heap buffer, many passes. */
#include <stdint.h>
#include <stdlib.h>

#include "tags_rt.h"

static uint32_t table[256];

static uint32_t crc32(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

int main(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  enum { N = 64 * 1024 };
  uint8_t* buf = malloc(N);
  for (int i = 0; i < N; ++i) buf[i] = (uint8_t)(i * 131 + 7);
  uint32_t acc = 0;
  for (int pass = 0; pass < 40; ++pass) {
    buf[pass] ^= (uint8_t)acc;
    acc ^= crc32(buf, N);
  }
  print("crc", acc);
  free(buf);
  return 0;
}
