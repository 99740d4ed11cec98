/* A pointer to a local of a frame that has returned, used after the return. */
#include "tags_rt.h"

long* remembered;

__attribute__((noinline)) long open_session(int id) {
  long session[32];
  for (int i = 0; i < 32; ++i) session[i] = id + i;
  remembered = &session[0]; /* escapes the frame */
  return session[id & 31];
}

__attribute__((noinline)) void close_session(long v) {
  *remembered = v; /* BUG: open_session has returned */
}

int main(void) {
  const long v = open_session(3);
  close_session(v);
  print("closed", v);
  return 0;
}
