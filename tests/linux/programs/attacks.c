/* Memory-safety bugs in an ordinary static glibc program, for the tag policies on Linux binaries
 * (docs/linux-abi.md#tag-policies). Each mode has a benign twin that takes the same path
 * without the bug:
 *   smash N      copies N words into a 4-word local buffer (N > 6 overwrites the saved ra)
 *   code BUG     writes a word of the program's own text after mprotect made it writable
 *                (BUG 0: the same store into a data page)
 *   call BUG     calls through a pointer into the middle of a function (BUG 0: its entry)
 *   tagimage     executes the loader's tag.image in user mode (illegal: SIGILL)
 *   overflow N   writes N bytes into a 24-byte malloc'd record (N > 24 overflows into the next
 *                chunk's header)
 *   memcpy N     copies N bytes into the record's 16-byte name with glibc's memcpy (N > 16
 *                overflows)
 *   uaf BUG      reads a malloc'd record's field after free (BUG 0: before free)
 *   doublefree BUG  frees a record twice (BUG 0: once); glibc's own tcache check aborts
 * Built with -fno-stack-protector so the smash reaches the return address. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

volatile int copy_length;

__attribute__((noinline)) void copy_words(long* dst, int n) {
  for (int i = 0; i < n; ++i) dst[i] = 0x41414141;
}

__attribute__((noinline)) long parse_packet(void) {
  long buffer[4];
  copy_words(buffer, copy_length); /* the bug when copy_length > 4 */
  return buffer[0];
}

/* A function with a second, unnamed way in: `answer_inside` is a local label, not a symbol. */
long answer(void);
__asm__(
    ".text\n"
    ".globl answer\n"
    ".type answer, @function\n"
    "answer:\n"
    "  li a0, 1\n"
    ".Lanswer_inside:\n"
    "  li a0, 7\n"
    "  ret\n"
    ".size answer, . - answer\n"
    ".section .data.rel.ro, \"aw\"\n"
    ".globl answer_inside\n"
    "answer_inside: .dword .Lanswer_inside\n"
    ".text\n");
extern long (*const answer_inside)(void);

static long data_word[512] __attribute__((aligned(4096)));

struct record {
  long id;
  char name[16];
};

__attribute__((noinline)) void fill_name(char* dst, int n) {
  for (int i = 0; i < n; ++i) dst[i] = (char)('a' + i % 26);
}

__attribute__((noinline)) long record_checksum(const struct record* r) {
  long sum = r->id;
  for (int i = 0; i < 16; ++i) sum += r->name[i];
  return sum;
}

static int heap_mode(const char* mode, long arg) {
  /* volatile: the compiler must not see (and warn about) the bugs below */
  struct record* volatile r = malloc(sizeof *r);
  struct record* neighbour = malloc(sizeof *neighbour);
  if (r == NULL || neighbour == NULL) return 1;
  r->id = 1;
  neighbour->id = 2;
  memset(r->name, 0, sizeof r->name);
  memset(neighbour->name, 0, sizeof neighbour->name);
  long sum = 0;
  if (strcmp(mode, "overflow") == 0) {
    fill_name(r->name, (int)arg - 8); /* the bug when arg > 24: past the record's 24 bytes */
    sum = record_checksum(r);
    free(r);
  } else if (strcmp(mode, "memcpy") == 0) {
    static const char text[64] = "a name longer than the sixteen bytes of the field";
    memcpy(r->name, text, (size_t)arg); /* the bug when arg > 16 */
    sum = record_checksum(r);
    free(r);
  } else if (strcmp(mode, "uaf") == 0) {
    if (!arg) sum = record_checksum(r);
    free(r);
    if (arg) sum = record_checksum(r); /* the bug: r is freed */
  } else {
    free(r);
    if (arg) free(r); /* the bug */
  }
  printf("%s %ld %ld\n", mode, sum, record_checksum(neighbour));
  free(neighbour);
  return 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  const long arg = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
  if (strcmp(mode, "smash") == 0) {
    copy_length = (int)arg;
    printf("parsed %lx\n", (unsigned long)parse_packet());
  } else if (strcmp(mode, "code") == 0) {
    const long page = sysconf(_SC_PAGESIZE);
    uint32_t* target = arg ? (uint32_t*)(void*)&parse_packet : (uint32_t*)(void*)data_word;
    void* base = (void*)((uintptr_t)target & ~(uintptr_t)(page - 1));
    if (mprotect(base, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
      perror("mprotect");
      return 1;
    }
    *(volatile uint32_t*)target = *(volatile uint32_t*)target; /* the same bits back */
    printf("wrote %s\n", arg ? "code" : "data");
  } else if (strcmp(mode, "call") == 0) {
    long (*volatile f)(void) = arg ? answer_inside : answer;
    printf("answer %ld\n", f());
  } else if (strcmp(mode, "tagimage") == 0) {
    __asm__ volatile(".insn r 0x0b, 0, 2, x0, %0, %1" : : "r"(0x10000L), "r"(0x80000000L));
    printf("tag.image ran in user mode\n");
  } else if (strcmp(mode, "overflow") == 0 || strcmp(mode, "memcpy") == 0 ||
             strcmp(mode, "uaf") == 0 || strcmp(mode, "doublefree") == 0) {
    return heap_mode(mode, arg);
  } else {
    fprintf(stderr,
            "usage: attacks smash N | code 0|1 | call 0|1 | tagimage | overflow N | memcpy N | "
            "uaf 0|1 | "
            "doublefree 0|1\n");
    return 2;
  }
  return 0;
}
