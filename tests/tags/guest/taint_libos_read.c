/* taint through the library OS: read(0, ...) returns bytes its console driver loaded from the
   UART, so they arrive tainted. Unbounded (no argument), a 16-byte read into an 8-byte name
   overwrites the low byte of the callback after it and the call is caught; `bounded` reads
   at most 7 bytes and greets cleanly. Input: tests/tags/taint_uart_*.txt. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct greeter {
  char name[8];
  void (*greet)(const char* name);
};

static void hello(const char* name) { printf("hello %s\n", name); }

static struct greeter g;

int main(int argc, char** argv) {
  const int bounded = argc > 1 && strcmp(argv[1], "bounded") == 0;
  g.greet = hello;
  const size_t capacity = bounded ? sizeof g.name - 1 : 16; /* BUG when unbounded */
  const ssize_t n = read(0, g.name, capacity);
  if (n > 0 && g.name[n - 1] == '\n') g.name[n - 1] = 0;
  g.greet(g.name);
  return 0;
}
