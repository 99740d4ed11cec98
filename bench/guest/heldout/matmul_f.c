// Single-precision matrix multiply (i-k-j order) on small-integer matrices, whose products are
// exact in float: every result is checked against the same product in integers.
#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0x6486c931u

#define DIM 64
#define ROUNDS 450

static float a[DIM][DIM], b[DIM][DIM], c[DIM][DIM];
static int32_t ai[DIM][DIM], bi[DIM][DIM];

int main(void) {
  uint32_t sum = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    for (int i = 0; i < DIM; ++i)
      for (int j = 0; j < DIM; ++j) {
        ai[i][j] = (int32_t)(rng() % 65) - 32, bi[i][j] = (int32_t)(rng() % 65) - 32;
        a[i][j] = (float)ai[i][j], b[i][j] = (float)bi[i][j];
        c[i][j] = 0;
      }
    for (int i = 0; i < DIM; ++i)
      for (int k = 0; k < DIM; ++k) {
        const float aik = a[i][k];
        for (int j = 0; j < DIM; ++j) c[i][j] += aik * b[k][j];
      }
    for (int i = 0; i < DIM; i += 7)  // spot rows in integers
      for (int j = 0; j < DIM; ++j) {
        int32_t s = 0;
        for (int k = 0; k < DIM; ++k) s += ai[i][k] * bi[k][j];
        if ((float)s != c[i][j]) return fail("matmul_f", "float product differs from integer");
      }
    for (int i = 0; i < DIM; ++i) sum = sum * 31 + (uint32_t)(int32_t)c[i][(i * 5) % DIM];
  }
  return report("matmul_f", sum, EXPECTED);
}
