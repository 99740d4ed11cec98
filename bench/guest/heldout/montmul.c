// Montgomery multiplication on 256-bit numbers (4 x 64-bit limbs) modulo the prime 2^255 - 19:
// Euler's criterion (a^((p-1)/2) is 1 or p-1) checks every exponentiation.
#include <string.h>

#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0x3fe9f83eu

#define N 4
#define COUNT 4000
typedef unsigned __int128 u128;

static const uint64_t P[N] = {0xffffffffffffffedull, 0xffffffffffffffffull, 0xffffffffffffffffull,
                              0x7fffffffffffffffull};
static uint64_t p_inv;  // -P^-1 mod 2^64
static uint64_t r2[N];  // 2^512 mod P

static int geq(const uint64_t* a, const uint64_t* b) {
  for (int i = N - 1; i >= 0; --i)
    if (a[i] != b[i]) return a[i] > b[i];
  return 1;
}
static void sub_p(uint64_t* a) {
  uint64_t borrow = 0;
  for (int i = 0; i < N; ++i) {
    u128 d = (u128)a[i] - P[i] - borrow;
    a[i] = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
  }
}

// out = a * b / 2^256 mod P (CIOS).
static void mont_mul(uint64_t* out, const uint64_t* a, const uint64_t* b) {
  uint64_t t[N + 2] = {0};
  for (int i = 0; i < N; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < N; ++j) {
      u128 s = (u128)a[j] * b[i] + t[j] + carry;
      t[j] = (uint64_t)s;
      carry = (uint64_t)(s >> 64);
    }
    u128 s = (u128)t[N] + carry;
    t[N] = (uint64_t)s;
    t[N + 1] = (uint64_t)(s >> 64);
    uint64_t m = t[0] * p_inv;
    s = (u128)m * P[0] + t[0];
    carry = (uint64_t)(s >> 64);
    for (int j = 1; j < N; ++j) {
      s = (u128)m * P[j] + t[j] + carry;
      t[j - 1] = (uint64_t)s;
      carry = (uint64_t)(s >> 64);
    }
    s = (u128)t[N] + carry;
    t[N - 1] = (uint64_t)s;
    t[N] = t[N + 1] + (uint64_t)(s >> 64);
  }
  memcpy(out, t, sizeof(uint64_t) * N);
  if (t[N] || geq(out, P)) sub_p(out);
}

static void pow_mod(uint64_t* out, const uint64_t* base_mont, const uint64_t* e, const uint64_t* one) {
  uint64_t acc[N];
  memcpy(acc, one, sizeof acc);
  for (int i = 255; i >= 0; --i) {
    mont_mul(acc, acc, acc);
    if ((e[i / 64] >> (i % 64)) & 1) mont_mul(acc, acc, base_mont);
  }
  memcpy(out, acc, sizeof acc);
}

int main(void) {
  uint64_t inv = 1;  // Newton: inverse of P[0] mod 2^64
  for (int i = 0; i < 6; ++i) inv *= 2 - P[0] * inv;
  p_inv = -inv;
  // 2^512 mod P by doubling 1 512 times.
  uint64_t x[N] = {1, 0, 0, 0};
  for (int k = 0; k < 512; ++k) {
    uint64_t top = x[N - 1] >> 63;
    for (int i = N - 1; i > 0; --i) x[i] = x[i] << 1 | x[i - 1] >> 63;
    x[0] <<= 1;
    if (top || geq(x, P)) sub_p(x);
  }
  memcpy(r2, x, sizeof x);
  const uint64_t plain_one[N] = {1, 0, 0, 0};
  uint64_t one[N], minus_one[N];
  mont_mul(one, plain_one, r2);  // 1 in Montgomery form
  memcpy(minus_one, P, sizeof minus_one);
  minus_one[0] -= 1;
  mont_mul(minus_one, minus_one, r2);
  uint64_t half[N];  // (P - 1) / 2
  for (int i = 0; i < N; ++i) half[i] = P[i] >> 1 | (i + 1 < N ? P[i + 1] << 63 : 0);
  uint32_t residues = 0, sum = 0;
  for (int k = 0; k < COUNT; ++k) {
    uint64_t a[N] = {rng() | (uint64_t)rng() << 32, rng(), rng(), rng() & 0x3fffffff}, am[N], r[N];
    mont_mul(am, a, r2);
    pow_mod(r, am, half, one);
    if (memcmp(r, one, sizeof r) == 0)
      ++residues;
    else if (memcmp(r, minus_one, sizeof r) != 0)
      return fail("montmul", "Euler's criterion");
    sum = sum * 33 + (uint32_t)r[0];
  }
  return report("montmul", residues ^ sum, EXPECTED);
}
