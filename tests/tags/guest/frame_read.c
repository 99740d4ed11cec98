/* An out-of-bounds read of a local table that runs into the caller's frame. */
#include "tags_rt.h"

volatile int wanted = 6;

__attribute__((noinline)) void load_key(long* key) {
  for (int i = 0; i < 4; ++i) key[i] = 0x5ec7e7 + i;
}

__attribute__((noinline)) long lookup(int index) {
  long table[4];
  for (int i = 0; i < 4; ++i) table[i] = i * 3;
  const long found = table[index]; /* BUG: index 6 reads past the table, into main's key */
  tags_sink = found;
  return found;
}

int main(void) {
  long key[4];
  load_key(key);
  print("lookup", lookup(wanted));
  print("key", key[0]);
  return 0;
}
