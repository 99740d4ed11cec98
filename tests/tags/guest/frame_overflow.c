/* A local buffer overflow that runs out of its own frame into the caller's locals. */
#include "tags_rt.h"

volatile int packet_words = 12;

__attribute__((noinline)) long checksum_packet(const long* src, int n) {
  long scratch[4];
  for (int i = 0; i < n; ++i) scratch[i] = src[i] ^ 0x5a; /* BUG: n > 4 leaves the frame */
  return scratch[0] + scratch[3];
}

int main(void) {
  long packet[16];
  for (int i = 0; i < 16; ++i) packet[i] = i * 7;
  print("checksum", checksum_packet(packet, packet_words));
  print("first", packet[0]);
  return 0;
}
