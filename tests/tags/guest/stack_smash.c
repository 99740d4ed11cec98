/* Stack buffer overflow that overwrites the saved return address. */
#include "tags_rt.h"

volatile int copy_length = 40;

__attribute__((noinline)) void copy_words(long* dst, int n) {
  for (int i = 0; i < n; ++i) dst[i] = 0x41414141;
}

__attribute__((noinline)) long parse_packet(void) {
  long buffer[4];
  copy_words(buffer, copy_length); /* BUG: 40 words into a 4-word buffer */
  return buffer[0];
} /* the corrupted return address is used here */

int main(void) {
  print("parsed", parse_packet());
  return 0;
}
