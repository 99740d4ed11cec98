// Descriptive statistics in double precision: mean, variance, covariance and correlation of
// generated series whose exact values are known (x = 0..n-1; y = 3x + 7 plus zero-sum noise).
#include <math.h>

#include "heldout.h"

#define N 20000
#define ROUNDS 1650

static double x[N], y[N];

int main(void) {
  double corr_sum = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    for (int i = 0; i < N; i += 2) {  // noise in +/- pairs: it cancels in the mean
      double noise = (double)(rng() % 1000) / 100.0;
      x[i] = i, x[i + 1] = i + 1;
      y[i] = 3.0 * i + 7 + noise, y[i + 1] = 3.0 * (i + 1) + 7 - noise;
    }
    double mx = 0, my = 0;
    for (int i = 0; i < N; ++i) mx += x[i], my += y[i];
    mx /= N, my /= N;
    double sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < N; ++i) {
      const double dx = x[i] - mx, dy = y[i] - my;
      sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
    }
    const double var_x = sxx / (N - 1), corr = sxy / sqrt(sxx * syy);
    if (fabs(mx - (N - 1) / 2.0) > 1e-9) return fail("stats", "mean of x");
    if (fabs(my - (3 * (N - 1) / 2.0 + 7)) > 1e-6) return fail("stats", "mean of y");
    if (fabs(var_x - (double)N * (N + 1) / 12.0) > 1e-3) return fail("stats", "variance of x");
    if (!(corr > 0.999 && corr <= 1.0)) return fail("stats", "correlation");
    corr_sum += corr;
  }
  printf("stats correlation sum %ld (1e-9)\n", (long)(corr_sum * 1e9));
  return 0;
}
