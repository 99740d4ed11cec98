// Matrix inversion by Gauss-Jordan elimination with partial pivoting (as MiBench/BEEBS minver)
// on random well-conditioned matrices: A * inverse(A) must be the identity to 1e-9.
#include <math.h>

#include "heldout.h"

#define DIM 24
#define COUNT 3100

static double a[DIM][DIM], inv[DIM][DIM], work[DIM][DIM];

static int invert(void) {
  for (int i = 0; i < DIM; ++i)
    for (int j = 0; j < DIM; ++j) work[i][j] = a[i][j], inv[i][j] = i == j;
  for (int col = 0; col < DIM; ++col) {
    int pivot = col;
    for (int r = col + 1; r < DIM; ++r)
      if (fabs(work[r][col]) > fabs(work[pivot][col])) pivot = r;
    if (fabs(work[pivot][col]) < 1e-12) return 0;
    for (int j = 0; j < DIM; ++j) {
      double t = work[col][j];
      work[col][j] = work[pivot][j], work[pivot][j] = t;
      t = inv[col][j];
      inv[col][j] = inv[pivot][j], inv[pivot][j] = t;
    }
    const double scale = 1.0 / work[col][col];
    for (int j = 0; j < DIM; ++j) work[col][j] *= scale, inv[col][j] *= scale;
    for (int r = 0; r < DIM; ++r) {
      if (r == col) continue;
      const double f = work[r][col];
      for (int j = 0; j < DIM; ++j) work[r][j] -= f * work[col][j], inv[r][j] -= f * inv[col][j];
    }
  }
  return 1;
}

int main(void) {
  double trace_sum = 0;
  for (int n = 0; n < COUNT; ++n) {
    for (int i = 0; i < DIM; ++i)
      for (int j = 0; j < DIM; ++j)
        a[i][j] = (double)(int32_t)(rng() % 2001 - 1000) / 1000.0 + (i == j ? DIM : 0);
    if (!invert()) return fail("minver", "singular");
    for (int i = 0; i < DIM; ++i)
      for (int j = 0; j < DIM; ++j) {
        double s = 0;
        for (int k = 0; k < DIM; ++k) s += a[i][k] * inv[k][j];
        if (fabs(s - (i == j)) > 1e-9) return fail("minver", "A * inverse(A) is not I");
      }
    for (int i = 0; i < DIM; ++i) trace_sum += inv[i][i];
  }
  printf("minver trace sum %ld (1e-6)\n", (long)(trace_sum * 1e6));
  return 0;
}
