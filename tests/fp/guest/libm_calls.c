/* A set of picolibc libm calls (rv64imafdc/lp64d multilib) printed as exact bits, run on
   unitag and QEMU: the library is the same code on both, so any output difference is an F/D
   instruction that rounds, flags or handles NaNs differently. Also exercises fenv (frm and
   fflags through the library). */
#include <fenv.h>
#include <math.h>
#include <stdint.h>

#include "runtime.h"

/* picolibc keeps errno in thread-local storage addressed through tp; the bare runtime sets up
   no TLS, so give it a zeroed block before any call that might set errno. */
static uint64_t tls_block[128] __attribute__((aligned(64)));

static uint64_t dbits(double d) {
  union {
    double d;
    uint64_t u;
  } v = {d};
  return v.u;
}
static uint32_t fbits(float f) {
  union {
    float f;
    uint32_t u;
  } v = {f};
  return v.u;
}

static void show_d(const char* name, double v) {
  bare_puts(name);
  bare_putc(' ');
  bare_put_hex(dbits(v));
  bare_putc('\n');
}
static void show_f(const char* name, float v) {
  bare_puts(name);
  bare_putc(' ');
  bare_put_hex(fbits(v));
  bare_putc('\n');
}
static void show_i(const char* name, int64_t v) {
  bare_puts(name);
  bare_putc(' ');
  bare_put_dec(v);
  bare_putc('\n');
}

/* Inputs through volatile so the compiler cannot fold the calls at build time. */
static volatile double d_in[] = {0.5, 1.0, 2.5, -3.75, 1e-310, 1e300, 123.456, 0.1};
static volatile float f_in[] = {0.5f, 1.0f, 2.5f, -3.75f, 1e-40f, 1e30f, 123.456f, 0.1f};

int main(void) {
  __asm__ volatile("mv tp, %0" : : "r"(tls_block));
  for (unsigned i = 0; i < sizeof d_in / sizeof d_in[0]; ++i) {
    const double x = d_in[i];
    bare_puts("-- x = ");
    bare_put_hex(dbits(x));
    bare_putc('\n');
    show_d("sin", sin(x));
    show_d("cos", cos(x));
    show_d("tan", tan(x));
    show_d("atan", atan(x));
    show_d("atan2", atan2(x, 0.75));
    show_d("exp", exp(x / 8));
    show_d("expm1", expm1(x / 8));
    show_d("log", log(fabs(x)));
    show_d("log1p", log1p(fabs(x)));
    show_d("log10", log10(fabs(x)));
    show_d("sqrt", sqrt(fabs(x)));
    show_d("cbrt", cbrt(x));
    show_d("pow", pow(fabs(x), 1.5));
    show_d("hypot", hypot(x, 3.0));
    show_d("sinh", sinh(x / 8));
    show_d("tanh", tanh(x));
    show_d("fmod", fmod(x, 0.3));
    show_d("fma", fma(x, x, -0.25));
    show_d("floor", floor(x));
    show_d("round", round(x));
    show_d("erf", erf(x / 4));
    show_d("lgamma", lgamma(fabs(x) + 0.5));

    const float y = f_in[i];
    show_f("sinf", sinf(y));
    show_f("cosf", cosf(y));
    show_f("expf", expf(y / 8));
    show_f("logf", logf(fabsf(y)));
    show_f("powf", powf(fabsf(y), 0.75f));
    show_f("sqrtf", sqrtf(fabsf(y)));
    show_f("atan2f", atan2f(y, -2.0f));
    show_f("fmaf", fmaf(y, 3.0f, 0.1f));
    show_f("tanhf", tanhf(y));
  }
  /* Special values: NaN results must be canonical on both machines. */
  show_d("log(-1)", log(-1.0 * d_in[1]));
  show_d("sqrt(-1)", sqrt(-d_in[1]));
  show_d("0*inf", d_in[4] * 0.0 * INFINITY);
  show_f("sqrtf(-1)", sqrtf(-f_in[1]));
  show_d("fmin(nan,1)", fmin(NAN, d_in[1]));
  show_d("fmax(-0,+0)", fmax(-0.0, 0.0 * d_in[1]));

  /* The dynamic rounding mode through fenv, and the flags it reads back from fflags. */
  static const int kModes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
  static const char* const kNames[] = {"nearest", "zero", "down", "up"};
  for (int m = 0; m < 4; ++m) {
    fesetround(kModes[m]);
    bare_puts("mode ");
    bare_puts(kNames[m]);
    bare_putc('\n');
    show_d("1/3", d_in[1] / 3.0);
    show_f("1/3f", f_in[1] / 3.0f);
    show_d("rint(2.5)", rint(d_in[2]));
    show_d("rint(-3.75)", rint(d_in[3]));
    show_i("lrint(-3.75)", lrint(d_in[3]));
    show_d("exp(0.1)", exp(d_in[7]));
    feclearexcept(FE_ALL_EXCEPT);
    volatile double big = d_in[5] * d_in[5];
    show_d("1e300^2", big);
    show_i("flags", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    volatile double q = d_in[1] / 0.0 * 0.0;
    show_d("1/0*0", q);
    show_i("flags", fetestexcept(FE_ALL_EXCEPT));
  }
  fesetround(FE_TONEAREST);
  return 0;
}
