// Integer DSP in the style of EDN: a 32-tap FIR filter, dot products and a biquad-like IIR on
// 16-bit fixed-point samples with 32-bit accumulators.
#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0x52969e9eu

#define SAMPLES 4096
#define TAPS 32
#define ROUNDS 900

static int16_t input[SAMPLES], output[SAMPLES], coeff[TAPS];

static int32_t dot(const int16_t* a, const int16_t* b, int n) {
  int32_t acc = 0;
  for (int i = 0; i < n; ++i) acc += (int32_t)a[i] * b[i];
  return acc;
}

static void fir(void) {
  for (int i = TAPS; i < SAMPLES; ++i) {
    int32_t acc = 0;
    for (int k = 0; k < TAPS; ++k) acc += (int32_t)input[i - k] * coeff[k];
    output[i] = (int16_t)(acc >> 15);
  }
}

static void iir(int16_t* x) {
  int32_t y1 = 0, y2 = 0;
  for (int i = 2; i < SAMPLES; ++i) {
    int32_t y = (x[i] * 8192 + x[i - 1] * 16384 + x[i - 2] * 8192 + y1 * 15000 - y2 * 6000) >> 15;
    if (y > 32767) y = 32767;
    if (y < -32768) y = -32768;
    y2 = y1;
    y1 = y;
    x[i] = (int16_t)y;
  }
}

int main(void) {
  for (int k = 0; k < TAPS; ++k) coeff[k] = (int16_t)(rng() % 2048 - 1024);
  for (int i = 0; i < SAMPLES; ++i) input[i] = (int16_t)(rng() % 16384 - 8192);
  uint32_t sum = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    fir();
    iir(output);
    sum = sum * 31 + (uint32_t)dot(output, input, SAMPLES);
    for (int i = 0; i < SAMPLES; ++i) input[i] = (int16_t)(input[i] ^ output[(i + r) % SAMPLES]);
  }
  return report("edn", sum, EXPECTED);
}
