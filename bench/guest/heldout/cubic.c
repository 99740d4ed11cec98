// Real roots of cubic equations with libm (cbrt, acos, cos, sqrt; the trigonometric method
// for three roots, Cardano's formula for one): every root must satisfy its equation.
#include <math.h>

#include "heldout.h"

#define COUNT 2750000

static int solve(double a, double b, double c, double d, double roots[3]) {
  const double kPi = 3.14159265358979323846;
  b /= a, c /= a, d /= a;
  const double q = (3 * c - b * b) / 9, r = (9 * b * c - 27 * d - 2 * b * b * b) / 54;
  const double disc = q * q * q + r * r;
  if (disc >= 0) {
    const double s = cbrt(r + sqrt(disc)), t = cbrt(r - sqrt(disc));
    roots[0] = -b / 3 + s + t;
    return 1;
  }
  const double theta = acos(r / sqrt(-q * q * q)), m = 2 * sqrt(-q);
  for (int k = 0; k < 3; ++k) roots[k] = m * cos((theta + 2 * kPi * k) / 3) - b / 3;
  return 3;
}

int main(void) {
  long total = 0;
  for (int n = 0; n < COUNT; ++n) {
    const double a = 1 + rng() % 9, b = (double)(int32_t)(rng() % 41) - 20,
                 c = (double)(int32_t)(rng() % 41) - 20, d = (double)(int32_t)(rng() % 41) - 20;
    double roots[3];
    const int count = solve(a, b, c, d, roots);
    for (int k = 0; k < count; ++k) {
      const double x = roots[k], f = ((a * x + b) * x + c) * x + d;
      const double scale = fabs(a * x * x * x) + fabs(b * x * x) + fabs(c * x) + fabs(d) + 1;
      if (!(fabs(f) <= 1e-6 * scale)) return fail("cubic", "a root does not solve its equation");
    }
    total += count;
  }
  printf("cubic roots %ld\n", total);
  return 0;
}
