/* RIPE-style control-flow hijacks (Wilander et al., ACSAC 2011), one shape per run:
     ripe TECHNIQUE LOCATION TARGET PAYLOAD [benign]
   TECHNIQUE  direct: a buffer overflow runs on into the code pointer;
              indirect: it runs into an adjacent data pointer, and a later store through that
              pointer writes the code pointer.
   LOCATION   where the overflowed buffer lives: stack, heap, data, bss.
   TARGET     the code pointer: ret (a saved return address), funcptr (a function pointer
              variable), longjmp (the return address in a jmp_buf), structfp (a function pointer
              in the same struct as the buffer: an overflow that never leaves its object).
   PAYLOAD    where control goes: ret2func (an existing function's entry, "return into libc"),
              rop (a gadget in the middle of a function), inject (instructions the overflow
              itself wrote into the buffer).
   The attacker's bytes arrive through a declared input buffer (`unitag_input_request`, which
   the taint policy treats as a source): every payload byte is mixed with it, as bytes read from
   a socket would be. A hijack that works prints "ATTACK SUCCEEDED" and exits 66; the code
   pointer used as intended prints "benign ok" and exits 0; a layout this program cannot attack
   exits 3 with the reason. `benign` runs the same shape with an in-bounds copy. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUFFER_BYTES 32

/* All zero: the attacker's input, mixed into every payload byte. */
volatile unsigned char unitag_input_request[256];

__attribute__((noinline)) void attack_succeeded(void) {
  puts("ATTACK SUCCEEDED");
  fflush(stdout);
  exit(66);
}

__attribute__((noinline)) void legit_handler(void) { puts("benign ok"); }

/* The ROP gadget: code in the middle of a function (not an entry, not a return site) that
   reaches attack_succeeded when control lands on it. */
void gadget_host(void);
extern char rop_gadget[];
__asm__(
    ".text\n"
    ".globl gadget_host\n"
    ".type gadget_host, @function\n"
    "gadget_host:\n"
    "  addi sp, sp, -16\n"
    "  sd ra, 8(sp)\n"
    "  li a0, 1\n"
    ".globl rop_gadget\n"
    "rop_gadget:\n"
    "  call attack_succeeded\n"
    "  ld ra, 8(sp)\n"
    "  addi sp, sp, 16\n"
    "  ret\n"
    ".size gadget_host, .-gadget_host\n");

typedef void (*handler_fn)(void);

struct shape {
  const char *technique, *location, *target, *payload;
  int benign;
};
static struct shape shape;

static void layout_error(const char* why) {
  printf("layout: %s\n", why);
  exit(3);
}

/* The attacker's bytes: filler, then `value` at `at` (8-aligned), shellcode at the start when
   the payload is injected code. Every byte goes through the input buffer. */
static unsigned char payload[512];
static size_t build_payload(size_t at, uintptr_t value) {
  if (at + 8 > sizeof payload) layout_error("code pointer too far from the buffer");
  memset(payload, 0x41, sizeof payload);
  if (strcmp(shape.payload, "inject") == 0) {
    /* auipc t1, 0; ld t1, 16(t1); jalr x0, 0(t1); nop; .dword attack_succeeded. Through t1,
       not t0: `jr t0` is a return hint (x5 is the alternate link register), which the stack
       policy would rightly check as a return. */
    const uint32_t code[4] = {0x00000317, 0x01033303, 0x00030067, 0x00000013};
    const uint64_t where = (uintptr_t)attack_succeeded;
    memcpy(payload, code, sizeof code);
    memcpy(payload + 16, &where, 8);
  }
  memcpy(payload + at, &value, 8);
  for (size_t i = 0; i < at + 8; ++i) payload[i] += unitag_input_request[i];
  return at + 8;
}

/* Where the hijacked pointer sends control, given the overflowed buffer's address. */
static uintptr_t destination(const unsigned char* buffer) {
  if (strcmp(shape.payload, "ret2func") == 0) return (uintptr_t)attack_succeeded;
  if (strcmp(shape.payload, "rop") == 0) return (uintptr_t)rop_gadget;
  if (strcmp(shape.payload, "inject") == 0) return (uintptr_t)buffer;
  layout_error("unknown payload");
  return 0;
}

/* The overflow itself: picolibc's memcpy, as most real overflows are a library copy. */
__attribute__((noinline)) static void copy_request(unsigned char* buffer, size_t length) {
  if (shape.benign) {
    memset(payload, 0x42, BUFFER_BYTES);
    length = BUFFER_BYTES;
  }
  memcpy(buffer, payload, length);
}

static size_t distance(const void* from, const void* to) {
  if ((const char*)to < (const char*)from + BUFFER_BYTES) layout_error("pointer below the buffer");
  return (size_t)((const char*)to - (const char*)from);
}

/* ----- the code pointers (each used after the overflow) ----- */

/* Indirect technique: a data pointer next to the buffer, then `*where = what`. */
struct indirect_pair {
  unsigned char buffer[BUFFER_BYTES];
  uintptr_t* where;
};

/* The indirect technique's write, in a callee so that it lands before the caller's epilogue
   reloads the return address (a compiler may schedule that reload above a store of its own). */
__attribute__((noinline)) static void store_through(uintptr_t** where, uintptr_t value) {
  if (!shape.benign) **where = value + unitag_input_request[0];
}

/* TARGET ret: the return address of this function's frame. Direct: the overflowed buffer is a
   local of this frame (below its return address); indirect: the caller's buffer and pointer. */
__attribute__((noinline)) static void overflow_onto_return(unsigned char* buffer,
                                                           uintptr_t** where) {
  uintptr_t* ra_slot = (uintptr_t*)((char*)__builtin_frame_address(0) - 8);
  unsigned char local[BUFFER_BYTES];
  if (where == NULL) {
    buffer = local;
    copy_request(buffer, build_payload(distance(buffer, ra_slot), destination(buffer)));
  } else {
    copy_request(buffer, build_payload(distance(buffer, where), (uintptr_t)ra_slot));
    store_through(where, destination(buffer));
  }
}

static jmp_buf* jump_buffer;
static int return_address_slot(jmp_buf* jb, uintptr_t from, uintptr_t to) {
  const uintptr_t* words = (const uintptr_t*)jb;
  for (unsigned i = 0; i < sizeof(jmp_buf) / sizeof(uintptr_t); ++i)
    if (words[i] >= from && words[i] < to) return (int)i;
  layout_error("no return address in the jmp_buf");
  return -1;
}

__attribute__((noinline)) static void run_longjmp(jmp_buf* jb, unsigned char* buffer,
                                                  uintptr_t** where) {
  jump_buffer = jb;
  if (setjmp(*jb) != 0) {
    legit_handler();
    return;
  }
  const int slot =
      return_address_slot(jb, (uintptr_t)run_longjmp, (uintptr_t)run_longjmp + 0x400);
  uintptr_t* ra = (uintptr_t*)jb + slot;
  if (where == NULL) {
    copy_request(buffer, build_payload(distance(buffer, ra), destination(buffer)));
  } else {
    copy_request(buffer, build_payload(distance(buffer, where), (uintptr_t)ra));
    store_through(where, destination(buffer));
  }
  longjmp(*jump_buffer, 1);
}

__attribute__((noinline)) static void run_funcptr(handler_fn* fp, unsigned char* buffer,
                                                  uintptr_t** where) {
  *fp = legit_handler;
  if (where == NULL) {
    copy_request(buffer, build_payload(distance(buffer, fp), destination(buffer)));
  } else {
    copy_request(buffer, build_payload(distance(buffer, where), (uintptr_t)fp));
    store_through(where, destination(buffer));
  }
  (*fp)();
}

/* ----- buffers and code pointers in each location ----- */

struct with_handler {
  unsigned char buffer[BUFFER_BYTES];
  handler_fn handler;
};

unsigned char data_buffer[BUFFER_BYTES] = {1};
handler_fn data_handler = legit_handler;
jmp_buf data_jb = {1};
struct with_handler data_struct = {{1}, legit_handler};
struct indirect_pair data_pair = {{1}, (uintptr_t*)1};

unsigned char bss_buffer[BUFFER_BYTES];
handler_fn bss_handler;
jmp_buf bss_jb;
struct with_handler bss_struct;
struct indirect_pair bss_pair;

/* Indirect targets live apart from the buffer: a dispatch pointer in .data, a jmp_buf in .bss. */
handler_fn dispatch_handler = legit_handler;
jmp_buf indirect_jb;

static void run_direct(const char* location, const char* target) {
  if (strcmp(target, "structfp") == 0) {
    struct with_handler local, *s = &local;
    if (strcmp(location, "heap") == 0) s = malloc(sizeof *s);
    if (strcmp(location, "data") == 0) s = &data_struct;
    if (strcmp(location, "bss") == 0) s = &bss_struct;
    run_funcptr(&s->handler, s->buffer, NULL);
    return;
  }
  if (strcmp(location, "stack") == 0) {
    if (strcmp(target, "ret") == 0) {
      overflow_onto_return(NULL, NULL);
      legit_handler();  // reached only when the return address was left alone (benign)
      return;
    }
    /* Separate locals: the program checks at run time that the buffer lies below its target. */
    unsigned char buffer[BUFFER_BYTES];
    if (strcmp(target, "funcptr") == 0) {
      handler_fn handler;
      run_funcptr(&handler, buffer, NULL);
      return;
    }
    if (strcmp(target, "longjmp") == 0) {
      jmp_buf jb;
      run_longjmp(&jb, buffer, NULL);
      return;
    }
  }
  if (strcmp(location, "heap") == 0) {
    unsigned char* buffer = malloc(BUFFER_BYTES);
    if (strcmp(target, "funcptr") == 0) {
      handler_fn* fp = malloc(sizeof *fp);
      run_funcptr(fp, buffer, NULL);
      return;
    }
    if (strcmp(target, "longjmp") == 0) {
      jmp_buf* jb = malloc(sizeof *jb);
      run_longjmp(jb, buffer, NULL);
      return;
    }
  }
  if (strcmp(location, "data") == 0 || strcmp(location, "bss") == 0) {
    const int data = strcmp(location, "data") == 0;
    unsigned char* buffer = data ? data_buffer : bss_buffer;
    if (strcmp(target, "funcptr") == 0) {
      run_funcptr(data ? &data_handler : &bss_handler, buffer, NULL);
      return;
    }
    if (strcmp(target, "longjmp") == 0) {
      run_longjmp(data ? &data_jb : &bss_jb, buffer, NULL);
      return;
    }
  }
  layout_error("no such direct shape");
}

__attribute__((noinline)) static void run_indirect(const char* location, const char* target) {
  struct indirect_pair local, *pair = &local;
  if (strcmp(location, "heap") == 0) {
    /* Two allocations: the overflow leaves the first to reach the pointer in the second. */
    unsigned char* buffer = malloc(BUFFER_BYTES);
    uintptr_t** where = malloc(sizeof *where);
    if (strcmp(target, "ret") == 0) overflow_onto_return(buffer, where);
    if (strcmp(target, "funcptr") == 0) run_funcptr(&dispatch_handler, buffer, where);
    if (strcmp(target, "longjmp") == 0) run_longjmp(&indirect_jb, buffer, where);
    if (strcmp(target, "ret") == 0) legit_handler();
    if (strcmp(target, "structfp") == 0) layout_error("no such indirect target");
    return;
  }
  if (strcmp(location, "data") == 0) pair = &data_pair;
  if (strcmp(location, "bss") == 0) pair = &bss_pair;
  if (strcmp(location, "stack") != 0 && pair == &local) layout_error("no such location");
  if (strcmp(target, "ret") == 0) {
    overflow_onto_return(pair->buffer, &pair->where);
    legit_handler();  // reached only when the return address was left alone (benign)
  } else if (strcmp(target, "funcptr") == 0) {
    run_funcptr(&dispatch_handler, pair->buffer, &pair->where);
  } else if (strcmp(target, "longjmp") == 0) {
    run_longjmp(&indirect_jb, pair->buffer, &pair->where);
  } else {
    layout_error("no such indirect target");
  }
}

int main(int argc, char** argv) {
  /* picolibc's semihosting crt0 puts "program-name" and the image before the arguments. */
  const int benign = argc >= 1 && strcmp(argv[argc - 1], "benign") == 0;
  const int first = argc - 4 - benign;
  if (first < 1) {
    puts("usage: ripe direct|indirect stack|heap|data|bss ret|funcptr|longjmp|structfp "
         "ret2func|rop|inject [benign]");
    return 2;
  }
  shape = (struct shape){argv[first], argv[first + 1], argv[first + 2], argv[first + 3], benign};
  if (strcmp(shape.technique, "direct") == 0)
    run_direct(shape.location, shape.target);
  else if (strcmp(shape.technique, "indirect") == 0)
    run_indirect(shape.location, shape.target);
  else
    layout_error("no such technique");
  return 0;
}
