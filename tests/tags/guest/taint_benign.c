/* taint benign twin: input from the UART and from a declared input buffer flows through
   arithmetic, memory and FP registers, indexes a table only after a declassifying bounds check,
   and never becomes a jump target: clean under taint:sinks=jump+return+address. */
#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

#define UART_RBR ((volatile uint8_t*)0x10000000)
#define UART_LSR ((volatile uint8_t*)0x10000005)

/* A request as it would arrive from outside, declared as input: its words start tainted. */
char request[16] __attribute__((section(".unitag.input"))) = "2";

static int uart_getc(void) {
  for (long tries = 0; tries < 50000000; ++tries) /* the host delivers input asynchronously */
    if (*UART_LSR & 1) return *UART_RBR;
  return -1;
}

/* Trusted: returns i if it is below n, else 0; its result is untainted (declassified). */
__attribute__((noinline)) unsigned long unitag_declassify_index(unsigned long i, unsigned long n) {
  return i < n ? i : 0;
}

static long twice(long v) { return 2 * v; }
static long square(long v) { return v * v; }
static long negate(long v) { return -v; }
static long (*const handlers[3])(long) = {twice, square, negate};

int main(void) {
  char name[16];
  unsigned n = 0;
  for (int c; n + 1 < sizeof name && (c = uart_getc()) >= 0 && c != '\n';) name[n++] = (char)c;
  name[n] = 0;
  unsigned long checksum = 0;
  for (unsigned i = 0; i < n; ++i) checksum = checksum * 31 + (unsigned char)name[i];
  volatile double scaled = (double)checksum * 0.5; /* fcvt, fmul, an FP store and load */
  print("name length", n);
  print("checksum", (int64_t)checksum);
  print("scaled", (int64_t)scaled);
  print("scaled word tainted", unitag_tag_get((const void*)&scaled) != 0);
  const unsigned long choice = unitag_declassify_index((unsigned long)(request[0] - '0'), 3);
  print("handler", (int64_t)choice);
  print("result", handlers[choice]((long)n + 5));
  return 0;
}
