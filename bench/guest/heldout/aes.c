// AES-128 encryption (FIPS-197): the standard's known answer, then CBC over a 4 KiB buffer.
#include <string.h>

#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0xfe36b8bbu

#define ROUNDS 700
#define LEN 4096

static uint8_t sbox[256];
static uint8_t round_keys[176];

static uint8_t xtime(uint8_t x) { return (uint8_t)((x << 1) ^ ((x >> 7) * 0x1b)); }

// The S-box from its definition (multiplicative inverse in GF(2^8), then the affine map).
static void make_sbox(void) {
  uint8_t p = 1, q = 1;
  do {
    p = p ^ (uint8_t)(p << 1) ^ (uint8_t)((p & 0x80) ? 0x1b : 0);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    if (q & 0x80) q ^= 0x09;
    uint8_t r = q ^ (uint8_t)(q << 1 | q >> 7) ^ (uint8_t)(q << 2 | q >> 6) ^
                (uint8_t)(q << 3 | q >> 5) ^ (uint8_t)(q << 4 | q >> 4);
    sbox[p] = r ^ 0x63;
  } while (p != 1);
  sbox[0] = 0x63;
}

static void expand(const uint8_t key[16]) {
  memcpy(round_keys, key, 16);
  uint8_t rcon = 1;
  for (int i = 16; i < 176; i += 4) {
    uint8_t t[4];
    memcpy(t, round_keys + i - 4, 4);
    if (i % 16 == 0) {
      uint8_t u = t[0];
      t[0] = sbox[t[1]] ^ rcon, t[1] = sbox[t[2]], t[2] = sbox[t[3]], t[3] = sbox[u];
      rcon = xtime(rcon);
    }
    for (int j = 0; j < 4; ++j) round_keys[i + j] = round_keys[i - 16 + j] ^ t[j];
  }
}

static void encrypt(uint8_t s[16]) {
  for (int i = 0; i < 16; ++i) s[i] ^= round_keys[i];
  for (int round = 1; round <= 10; ++round) {
    uint8_t t[16];
    for (int c = 0; c < 4; ++c)  // SubBytes and ShiftRows
      for (int r = 0; r < 4; ++r) t[4 * c + r] = sbox[s[4 * ((c + r) % 4) + r]];
    if (round < 10) {
      for (int c = 0; c < 4; ++c) {  // MixColumns
        uint8_t* col = t + 4 * c;
        uint8_t a = col[0] ^ col[1] ^ col[2] ^ col[3], c0 = col[0];
        col[0] ^= a ^ xtime(col[0] ^ col[1]);
        col[1] ^= a ^ xtime(col[1] ^ col[2]);
        col[2] ^= a ^ xtime(col[2] ^ col[3]);
        col[3] ^= a ^ xtime(col[3] ^ c0);
      }
    }
    for (int i = 0; i < 16; ++i) s[i] = t[i] ^ round_keys[16 * round + i];
  }
}

int main(void) {
  make_sbox();
  uint8_t key[16], block[16];
  for (int i = 0; i < 16; ++i) key[i] = (uint8_t)i, block[i] = (uint8_t)(i * 0x11);
  static const uint8_t want[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                   0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
  expand(key);
  encrypt(block);
  if (memcmp(block, want, 16) != 0) return fail("aes", "FIPS-197 known answer");
  static uint8_t buf[LEN];
  for (int i = 0; i < LEN; ++i) buf[i] = (uint8_t)rng();
  uint8_t iv[16] = {0};
  for (int r = 0; r < ROUNDS; ++r) {
    for (int i = 0; i < LEN; i += 16) {
      for (int j = 0; j < 16; ++j) buf[i + j] ^= iv[j];
      encrypt(buf + i);
      memcpy(iv, buf + i, 16);
    }
  }
  uint32_t sum = (uint32_t)iv[0] << 24 | (uint32_t)iv[1] << 16 | (uint32_t)iv[2] << 8 | iv[3];
  return report("aes", sum, EXPECTED);
}
