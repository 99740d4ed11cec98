/* Tag integrity: ways guest code might forge, copy or clear a pointer's colour without the
   allocator's authority. One image per CASE (tests/tags/CMakeLists.txt says what each must do):
   PARTIAL_STORE  a byte store, and a misaligned 8-byte store, over a word holding a pointer
   AMO            a pointer stored with amoswap.d, moved with lr.d/sc.d, and advanced past its
                  block's end with amoadd.d, then used
   REBUILT        a pointer hidden as an integer (xor-ed with a key) and rebuilt, then used to
                  write into the next block
   RACE           a second hart keeps a pointer to a block the first hart frees, and uses it
   MEMCPY         a struct holding a pointer copied with picolibc's memcpy, then the copy used
                  to write into the next block
   DEBUGGER       gdb writes the address of a global over a word holding a heap pointer
                  (tests/tags/debugger_write.py); the word must lose the pointer's colour
   Each prints what the tags say; the last line of a case is the access the policy must judge. */
#include <stdlib.h>

#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

__attribute__((unused)) static long same_tag(const void* a, const void* b) { return unitag_tag_get(a) == unitag_tag_get(b); }

#if defined(PARTIAL_STORE)
int main(void) {
  long** holder = malloc(4 * sizeof(long*));
  long* block = malloc(16);
  holder[0] = block; /* a pointer word */
  holder[1] = 0;     /* a data word */
  holder[2] = block;
  print("pointer word differs from data", !same_tag(&holder[0], &holder[1]));
  *(volatile char*)&holder[0] = 0x10; /* one byte of the pointer replaced */
  print("after a byte store: data", same_tag(&holder[0], &holder[1]));
  __asm__ volatile("sd zero, 4(%0)" ::"r"(&holder[2]) : "memory"); /* half of it */
  print("after a misaligned store: data", same_tag(&holder[2], &holder[1]));
  long* changed = holder[0];
  print("changed pointer is another", changed != block);
  free(block);
  free(holder);
  return 0;
}
#elif defined(AMO)
int main(void) {
  long** holder = malloc(4 * sizeof(long*));
  long* block = malloc(16);
  long* other = malloc(16);
  holder[0] = block;
  holder[3] = 0;
  long* old;
  __asm__ volatile("amoswap.d %0, %2, (%1)" : "=r"(old) : "r"(&holder[1]), "r"(block) : "memory");
  print("amoswap stores a pointer", same_tag(&holder[1], &holder[0]));
  long* seen;
  long ok;
  __asm__ volatile("lr.d %0, (%2)\n sc.d %1, %3, (%2)"
                   : "=&r"(seen), "=&r"(ok)
                   : "r"(&holder[1]), "r"(other)
                   : "memory");
  print("sc.d succeeded", ok == 0);
  holder[2] = other;
  print("sc.d moved the other pointer in", same_tag(&holder[1], &holder[2]));
  __asm__ volatile("amoadd.d %0, %2, (%1)"
                   : "=r"(old)
                   : "r"(&holder[0]), "r"(2 * sizeof(long))
                   : "memory");
  long* past = holder[0]; /* block + 2: one past its 16 bytes */
  print("advanced by amoadd", past == block + 2);
  past[0] = 42; /* BUG: a heap overflow through a pointer the AMO advanced */
  tags_sink = (uintptr_t)past[0];
  return 0;
}
#elif defined(REBUILT)
int main(void) {
  long* block = malloc(16);
  long* neighbour = malloc(16);
  const uintptr_t key = 0x5a5a5a5a5a5a5a5au;
  volatile uintptr_t hidden = (uintptr_t)block ^ key;
  long* rebuilt = (long*)(hidden ^ key);
  print("rebuilt equals the pointer", rebuilt == block);
  /* The index an attacker supplies: an integer (a pointer difference held in a register would
     carry "minus block", and rebuilt + (neighbour - block) is then neighbour itself). */
  volatile int index = (int)(neighbour - block);
  rebuilt[index] = 7; /* BUG: into the neighbour; the xors kept the colour */
  print("neighbour written", neighbour[0] == 7);
  free(neighbour);
  free(block);
  return 0;
}
#elif defined(RACE)
static long* volatile shared;
static volatile int freed;

void secondary_main(unsigned long hart) {
  if (hart != 1) for (;;) __asm__ volatile("wfi");
  while (!shared) {
  }
  long* mine = shared; /* hart 1's copy of the pointer */
  while (!freed) {
  }
  tags_sink = (uintptr_t)mine[1]; /* BUG: use after hart 0 freed it */
  for (;;) __asm__ volatile("wfi");
}

int main(void) {
  long* block = malloc(16);
  block[1] = 5;
  shared = block;
  for (volatile long i = 0; i < 10000; ++i) {
  }
  free(block);
  freed = 1;
  for (volatile long i = 0; i < 100000000; ++i) {
  }
  return 3; /* not reached: hart 1's access stops the machine */
}
#elif defined(MEMCPY)
#include <string.h>
struct holder {
  long* p;
  long pad;
};

int main(void) {
  long* block = malloc(16);
  long* neighbour = malloc(16);
  static struct holder a, b;
  a.p = block;
  memcpy(&b, &a, sizeof a);
  print("the copy carries the colour", same_tag(&b.p, &a.p));
  volatile long* copied = b.p;
  copied[neighbour - block] = 7; /* BUG: into the neighbour through the copied pointer */
  print("neighbour written", ((volatile long*)neighbour)[0] == 7);
  return 0;
}
#elif defined(DEBUGGER)
static long target = 4242; /* a non-heap word */
long** volatile holder;    /* global: the debugger names it */

__attribute__((noinline)) void checkpoint(void) { __asm__ volatile(""); }

int main(void) {
  holder = malloc(4 * sizeof(long*));
  long* other = malloc(16);
  holder[0] = other; /* a pointer word */
  holder[1] = 0;     /* a data word */
  print("pointer word differs from data", !same_tag(&holder[0], &holder[1]));
  checkpoint(); /* gdb: set var holder[0] = &target */
  print("after the debugger's write: data", same_tag(&holder[0], &holder[1]));
  long* loaded = holder[0];
  print("loaded points at the global", loaded == &target);
  print("value", *loaded); /* with the stale colour: a false heap violation */
  free(other);
  return 0;
}
#endif
