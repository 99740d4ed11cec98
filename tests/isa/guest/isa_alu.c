/* Every RV64I and RV64M instruction (plus fence/fence.i) on a grid of operands: one hash line per
   instruction form (compared against QEMU and the expected file), and the architected corner
   cases checked against the specification's values (division by zero and overflow, *W sign
   extension, shift amounts, lui/auipc, branches both ways, jal/jalr links, misaligned loads and
   stores in RAM: unitag emulates them, as QEMU does). Exit code = number of mismatches. */
#include "isa_ops.h"
#include "isa_support.h"

typedef uint64_t (*op2)(uint64_t, uint64_t);
typedef uint64_t (*op1)(uint64_t);
typedef void (*store_fn)(uint64_t, uint64_t);

#define X(n) uint64_t op_##n(uint64_t, uint64_t);
R_OPS(X)
#undef X
#define X(l, i, imm) uint64_t op_##l(uint64_t, uint64_t);
I_OPS(X)
#undef X
#define X(l, i, imm) uint64_t op_##l(uint64_t);
LOAD_OPS(X)
#undef X
#define X(l, i, imm) void op_##l(uint64_t, uint64_t);
STORE_OPS(X)
#undef X
#define X(n) uint64_t br_##n##_f(uint64_t, uint64_t); uint64_t br_##n##_b(uint64_t, uint64_t);
BRANCH_OPS(X)
#undef X
uint64_t up_lui_80000(void), up_lui_7ffff(void), up_lui_fffff(void), up_auipc_12345(void),
    up_auipc_neg(void);
uint64_t jump_jal(void), jump_jal_back(void), jump_jalr_odd(void), jump_jalr_same(void),
    jump_jalr_x0(void), write_x0(void);
void run_fences(void);

static const uint64_t kOperands[] = {
    0, 1, 2, 5, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
    0x7fffffffffffffff, 0x8000000000000000, 0x123456789abcdef0, 0xfedcba9876543210,
    (uint64_t)-1, (uint64_t)-2, (uint64_t)-7, 0xffffffff80000000, 0x00000000fffffffe};
#define N_OPERANDS (sizeof kOperands / sizeof kOperands[0])


static void hash_op2(const char* name, op2 f) {
  uint64_t h = HASH_SEED;
  for (unsigned i = 0; i < N_OPERANDS; ++i)
    for (unsigned j = 0; j < N_OPERANDS; ++j) h = mix(h, f(kOperands[i], kOperands[j]));
  put_hex_line(name, h);
}

static void hash_op1(const char* name, op2 f) {
  uint64_t h = HASH_SEED;
  for (unsigned i = 0; i < N_OPERANDS; ++i) h = mix(h, f(kOperands[i], 0));
  put_hex_line(name, h);
}

static void branches(const char* name, op2 fwd, op2 back) {
  /* bit i*N+j: taken for (kOperands[i], kOperands[j]) over the first 8 operands, both ways */
  uint64_t f = 0, b = 0;
  static const uint64_t v[8] = {0, 1, 2, 0x7fffffffffffffff, 0x8000000000000000, (uint64_t)-1,
                                (uint64_t)-2, 0x80000000};
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j) {
      f |= fwd(v[i], v[j]) << (i * 8 + j);
      b |= back(v[i], v[j]) << (i * 8 + j);
    }
  bare_puts(name);
  bare_putc(' ');
  bare_put_hex(f);
  bare_putc(' ');
  bare_put_hex(b);
  bare_putc('\n');
  if (f != b) {
    bare_puts("  MISMATCH: forward and backward differ\n");
    isa_failures++;
  }
}

/* Memory for load/store tests: a page boundary sits at page_buf + 4096. */
static uint8_t page_buf[8192] __attribute__((aligned(4096)));
static uint8_t load_buf[64] __attribute__((aligned(16)));

static void loads(void) {
  for (unsigned i = 0; i < sizeof load_buf; ++i) load_buf[i] = (uint8_t)(0x80 + 37 * i);
  uint64_t base = (uint64_t)&load_buf[16];
#define X(l, i, imm)                                                 \
  {                                                                  \
    uint64_t h = HASH_SEED;                                          \
    for (unsigned off = 0; off < 16; ++off) h = mix(h, op_##l(base + off)); \
    put_hex_line(#l, h);                                             \
  }
  LOAD_OPS(X)
#undef X
  /* sign and zero extension (load_buf[16..23] = 50 77 9c c1 e6 0b 30 55) */
  load_buf[16] = 0x80;
  load_buf[17] = 0xff;
  load_buf[18] = 0x7f;
  load_buf[19] = 0x80;
  check("lb 0x80", op_lb(base), 0xffffffffffffff80);
  check("lbu 0x80", op_lbu(base), 0x80);
  check("lh 0xff80", op_lh(base), 0xffffffffffffff80);
  check("lhu 0xff80", op_lhu(base), 0xff80);
  check("lw 0x807fff80", op_lw(base), 0xffffffff807fff80);
  check("lwu 0x807fff80", op_lwu(base), 0x807fff80);
  check("lb +3", op_lb_p3(base), 0xffffffffffffff80);
  /* misaligned loads in RAM (emulated): inside a word, across 8 bytes, across a page */
  for (unsigned i = 0; i < 16; ++i) page_buf[4088 + i] = (uint8_t)(0x11 * (i + 1));
  uint64_t edge = (uint64_t)&page_buf[4088];
  check("misaligned lh +1", op_lh(edge + 1), 0x3322);
  check("misaligned lhu +7 (page)", op_lhu(edge + 7), 0x9988);
  check("misaligned lw +3", op_lw(edge + 3), 0x77665544);
  check("misaligned lw +6 (page)", op_lw(edge + 6), 0xffffffffaa998877);
  check("misaligned lwu +6 (page)", op_lwu(edge + 6), 0xaa998877);
  check("misaligned ld +5 (page)", op_ld(edge + 5), 0xddccbbaa99887766);
  check("misaligned ld +1", op_ld(edge + 1), 0x9988776655443322);
}

static void stores(void) {
  uint8_t* buf = &page_buf[64];
  uint64_t base = (uint64_t)buf + 8;
  uint64_t h = HASH_SEED;
#define X(l, i, imm)                                                   \
  for (unsigned off = 0; off < 8; ++off) {                             \
    for (unsigned k = 0; k < 32; ++k) buf[k] = 0;                      \
    op_##l(base + off, 0x0123456789abcdefull);                         \
    uint64_t w0, w1, w2, w3;                                           \
    __builtin_memcpy(&w0, buf, 8);                                     \
    __builtin_memcpy(&w1, buf + 8, 8);                                 \
    __builtin_memcpy(&w2, buf + 16, 8);                                \
    __builtin_memcpy(&w3, buf + 24, 8);                                \
    h = mix(mix(mix(mix(h, w0), w1), w2), w3);                         \
  }                                                                    \
  put_hex_line(#l, h);
  STORE_OPS(X)
#undef X
  /* misaligned stores (emulated), read back with aligned loads */
  uint64_t* words = (uint64_t*)&page_buf[4080];
  for (unsigned i = 0; i < 4; ++i) words[i] = 0;
  uint64_t edge = (uint64_t)&page_buf[4088];
  op_sh(edge + 3, 0xbeef);
  check("misaligned sh +3", words[1], 0x000000beef000000);
  op_sw(edge - 3, 0xcafef00d);
  check("misaligned sw -3 lo", words[0], 0xfef00d0000000000);
  check("misaligned sw -3 hi", words[1], 0x000000beef0000ca);
  op_sd(edge + 5, 0x0102030405060708);
  check("misaligned sd +5 (page) lo", words[1], 0x060708beef0000ca);
  check("misaligned sd +5 (page) hi", words[2], 0x0000000102030405);
  op_sw(edge + 7, 0xa1b2c3d4);
  check("misaligned sw +7 (page) lo", words[1], 0xd40708beef0000ca);
  check("misaligned sw +7 (page) hi", words[2], 0x0000000102a1b2c3);
}

static uint32_t code_buf[4] __attribute__((aligned(16)));

static void fences(void) {
  /* self-modifying code: store, fence.i, run; store a different immediate, fence.i, run */
  uint64_t (*fn)(uint64_t) = (uint64_t(*)(uint64_t))(uintptr_t)code_buf;
  code_buf[0] = 0x00150513; /* addi a0, a0, 1 */
  code_buf[1] = 0x00008067; /* ret */
  run_fences();
  check("fence.i first", fn(10), 11);
  code_buf[0] = 0x00250513; /* addi a0, a0, 2 */
  run_fences();
  check("fence.i rewritten", fn(10), 12);
}

int main(void) {
  bare_puts("== rv64i/rv64m register-register\n");
#define X(n) hash_op2(#n, op_##n);
  R_OPS(X)
#undef X
  bare_puts("== immediates\n");
#define X(l, i, imm) hash_op1(#l, op_##l);
  I_OPS(X)
#undef X
  bare_puts("== corner cases\n");
  const uint64_t min64 = 0x8000000000000000ull, m1 = ~0ull;
  check("div x/0", op_div(1234, 0), m1);
  check("divu x/0", op_divu(1234, 0), m1);
  check("rem x/0", op_rem((uint64_t)-1234, 0), (uint64_t)-1234);
  check("remu x/0", op_remu(1234, 0), 1234);
  check("div min/-1", op_div(min64, m1), min64);
  check("rem min/-1", op_rem(min64, m1), 0);
  check("div -7/2", op_div((uint64_t)-7, 2), (uint64_t)-3);
  check("rem -7/2", op_rem((uint64_t)-7, 2), (uint64_t)-1);
  check("divw x/0", op_divw(0x1234500000007, 0), m1);
  check("divuw x/0", op_divuw(0x1234500000007, 0), m1);
  check("remw x/0", op_remw(0x12345f0000007, 0), 0xfffffffff0000007);
  check("remuw x/0", op_remuw(0x12345f0000007, 0), 0xfffffffff0000007);
  check("divw min/-1", op_divw(0x80000000, m1), 0xffffffff80000000);
  check("remw min/-1", op_remw(0x80000000, m1), 0);
  check("divuw upper bits ignored", op_divuw(0xffffffff00000010, 0x1000000002), 8);
  check("mulh min*min", op_mulh(min64, min64), 0x4000000000000000);
  check("mulhu max*max", op_mulhu(m1, m1), 0xfffffffffffffffe);
  check("mulhsu -1*max", op_mulhsu(m1, m1), m1);
  check("mulw sext", op_mulw(0x10000, 0x8000), 0xffffffff80000000);
  check("addw sext", op_addw(0x7fffffff, 1), 0xffffffff80000000);
  check("subw wrap", op_subw(0x100000000, 1), m1);
  check("addiw sext", op_addiw_1(0x7fffffff, 0), 0xffffffff80000000);
  check("srliw 0 sext", op_srliw_0(0x80000000, 0), 0xffffffff80000000);
  check("srliw 1", op_srliw_1(0xffffffff80000000, 0), 0x40000000);
  check("sraiw 31", op_sraiw_31(0x80000000, 0), m1);
  check("slliw 31", op_slliw_31(1, 0), 0xffffffff80000000);
  check("sll 65 = sll 1", op_sll(3, 65), 6);
  check("srl 64 = srl 0", op_srl(min64, 64), min64);
  check("sra 127 = sra 63", op_sra(min64, 127), m1);
  check("sllw 33 = sllw 1", op_sllw(0x40000000, 33), 0xffffffff80000000);
  check("srlw 32 = srlw 0", op_srlw(0x80000000, 32), 0xffffffff80000000);
  check("sraw 63 = sraw 31", op_sraw(0x80000000, 63), m1);
  check("slt -1<0", op_slt(m1, 0), 1);
  check("sltu -1<0", op_sltu(m1, 0), 0);
  check("sltiu x<-2048 (unsigned)", op_sltiu_min(5, 0), 1);
  check("sltiu 1 (seqz)", op_sltiu_1(0, 0), 1);
  check("lui 0x80000", up_lui_80000(), 0xffffffff80000000);
  check("lui 0x7ffff", up_lui_7ffff(), 0x7ffff000);
  check("lui 0xfffff", up_lui_fffff(), 0xfffffffffffff000);
  check("auipc 0x12345", up_auipc_12345(), 0x12345000);
  check("auipc 0xfffff", up_auipc_neg(), (uint64_t)-0x1000);
  check("jal link", jump_jal(), 0);
  check("jal backward link", jump_jal_back(), 0);
  check("jalr odd target", jump_jalr_odd(), 0);
  check("jalr rd==rs1", jump_jalr_same(), 0);
  check("jalr rd=x0", jump_jalr_x0(), 0);
  check("write x0", write_x0(), 5);
  bare_puts("== branches (forward, backward)\n");
#define X(n) branches(#n, br_##n##_f, br_##n##_b);
  BRANCH_OPS(X)
#undef X
  bare_puts("== loads\n");
  loads();
  bare_puts("== stores\n");
  stores();
  bare_puts("== fences\n");
  fences();
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
