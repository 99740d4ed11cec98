/* Jumps into device memory (the UART's registers): an instruction access fault, and with no
   trap handler the run stops with a report naming the address. */
int main(void) {
  void (*uart)(void) = (void (*)(void))0x10000000;
  uart();
  return 0;
}
