/* Floods the UART without end: --max-output must stop it. */
#include "runtime.h"

int main(void) {
  for (;;) bare_puts("flood flood flood flood flood flood flood flood flood flood flood\n");
}
