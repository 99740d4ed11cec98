/* taint attack: a name read from the UART without a bound overflows into the callback stored
   after it; its low byte becomes a received byte, and the call goes through the tainted pointer
   (input: tests/tags/taint_uart_overflow.txt, 8 name bytes and one more). */
#include "tags_rt.h"

#define UART_RBR ((volatile uint8_t*)0x10000000)
#define UART_LSR ((volatile uint8_t*)0x10000005)

static int uart_getc(void) {
  for (long tries = 0; tries < 50000000; ++tries) /* the host delivers input asynchronously */
    if (*UART_LSR & 1) return *UART_RBR;
  return -1;
}

struct greeter {
  char name[8];
  void (*greet)(const char* name);
};

static void hello(const char* name) {
  bare_puts("hello ");
  bare_puts(name);
  bare_putc('\n');
}

__attribute__((noinline)) void read_line(char* out) {
  for (int c; (c = uart_getc()) >= 0 && c != '\n';) *out++ = (char)c; /* BUG: no bound */
  *out = 0;
}

int main(void) {
  static struct greeter g;
  g.greet = hello;
  read_line(g.name);
  g.greet("visitor"); /* through the overwritten pointer */
  return 0;
}
