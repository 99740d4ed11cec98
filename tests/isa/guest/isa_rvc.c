/* Every compressed instruction of RV64C (integer forms, machine/isa/rvc.inc) with its result
   checked against the value of the 32-bit instruction it expands to. Exit code = mismatches. */
#include "isa_support.h"

#define FNS(X)                                                                                 \
  X(rvc_addi4spn_4) X(rvc_addi4spn_1020) X(rvc_lw) X(rvc_lw_124) X(rvc_ld) X(rvc_ld_248)      \
  X(rvc_sw) X(rvc_sw_124) X(rvc_sd) X(rvc_sd_248) X(rvc_nop) X(rvc_addi_m32) X(rvc_addi_31)   \
  X(rvc_addiw_1) X(rvc_addiw_0) X(rvc_li_m32) X(rvc_li_31) X(rvc_addi16sp) X(rvc_lui_1)       \
  X(rvc_lui_31) X(rvc_lui_neg) X(rvc_srli_1) X(rvc_srli_63) X(rvc_srai_1) X(rvc_srai_63)      \
  X(rvc_andi_m32) X(rvc_andi_31) X(rvc_sub) X(rvc_xor) X(rvc_or) X(rvc_and) X(rvc_subw)       \
  X(rvc_addw) X(rvc_slli_1) X(rvc_slli_63) X(rvc_mv) X(rvc_add) X(rvc_j) X(rvc_beqz)          \
  X(rvc_bnez) X(rvc_sp_mem) X(rvc_sp_sext) X(rvc_jr) X(rvc_jalr)
#define X(n) uint64_t n(uint64_t, uint64_t);
FNS(X)
#undef X


static uint64_t mem[40] __attribute__((aligned(8)));

int main(void) {
  const uint64_t a = 0x8000000080000001ull, b = 0x00000000ffffffffull;
  for (unsigned i = 0; i < 40; ++i) mem[i] = 0x1111111111111111ull * (i % 15) ^ (i << 60);
  uint64_t p = (uint64_t)mem;
  mem[0] = 0x80000000fffffff0ull; /* word at +4 is 0x80000000: sign-extends */
  check("c.addi4spn 4", rvc_addi4spn_4(0, 0), 4);
  check("c.addi4spn 1020", rvc_addi4spn_1020(0, 0), 1020);
  check("c.lw", rvc_lw(p, 0), 0xffffffff80000000);
  check("c.lw 124", rvc_lw_124(p, 0), (uint64_t)(int32_t)(mem[15] >> 32));
  check("c.ld", rvc_ld(p, 0), mem[1]);
  check("c.ld 248", rvc_ld_248(p, 0), mem[31]);
  rvc_sw(p, 0x1234567890abcdefull);
  check("c.sw", mem[0], 0x90abcdeffffffff0ull);
  rvc_sw_124(p, 0xcafebabe);
  check("c.sw 124", mem[15] >> 32, 0xcafebabe);
  rvc_sd(p, a);
  check("c.sd", mem[1], a);
  rvc_sd_248(p, b);
  check("c.sd 248", mem[31], b);
  check("c.nop", rvc_nop(42, 0), 42);
  check("c.addi -32", rvc_addi_m32(10, 0), (uint64_t)-22);
  check("c.addi 31", rvc_addi_31(10, 0), 41);
  check("c.addiw 1", rvc_addiw_1(0x7fffffff, 0), 0xffffffff80000000);
  check("c.addiw 0", rvc_addiw_0(0x12345678f0000000ull, 0), 0xfffffffff0000000);
  check("c.li -32", rvc_li_m32(0, 0), (uint64_t)-32);
  check("c.li 31", rvc_li_31(0, 0), 31);
  check("c.addi16sp", rvc_addi16sp(0, 0), 0xfffffe00);
  check("c.lui 1", rvc_lui_1(0, 0), 0x1000);
  check("c.lui 31", rvc_lui_31(0, 0), 0x1f000);
  check("c.lui 0xfffe0", rvc_lui_neg(0, 0), 0xfffffffffffe0000);
  check("c.srli 1", rvc_srli_1(a, 0), 0x4000000040000000);
  check("c.srli 63", rvc_srli_63(a, 0), 1);
  check("c.srai 1", rvc_srai_1(a, 0), 0xc000000040000000);
  check("c.srai 63", rvc_srai_63(a, 0), ~0ull);
  check("c.andi -32", rvc_andi_m32(0xffff, 0), 0xffe0);
  check("c.andi 31", rvc_andi_31(0xffff, 0), 31);
  check("c.sub", rvc_sub(a, b), a - b);
  check("c.xor", rvc_xor(a, b), a ^ b);
  check("c.or", rvc_or(a, b), a | b);
  check("c.and", rvc_and(a, b), a & b);
  check("c.subw", rvc_subw(0x80000000, 1), 0x7fffffff);
  check("c.subw sext", rvc_subw(0, 1), ~0ull);
  check("c.addw", rvc_addw(0x7fffffff, 1), 0xffffffff80000000);
  check("c.slli 1", rvc_slli_1(a, 0), 0x0000000100000002);
  check("c.slli 63", rvc_slli_63(a, 0), 0x8000000000000000);
  check("c.mv", rvc_mv(0, b), b);
  check("c.add", rvc_add(a, b), a + b);
  check("c.j", rvc_j(0, 0), 0);
  check("c.beqz 0", rvc_beqz(0, 0), 3);
  check("c.beqz 1", rvc_beqz(1, 0), 0);
  check("c.bnez 0", rvc_bnez(0, 0), 0);
  check("c.bnez min", rvc_bnez(0x8000000000000000ull, 0), 3);
  check("c.sdsp/ldsp/swsp/lwsp", rvc_sp_mem(7, 0x123456789ull),
        0x123456789ull ^ ((uint64_t)(int32_t)0x23456789 << 1) ^ 7);
  check("c.lwsp sext", rvc_sp_sext(0x80000000, 0), 0xffffffff80000000);
  check("c.jr", rvc_jr(0, 0), 0);
  check("c.jalr link", rvc_jalr(0, 0), 0);
  put_dec_line("failures", isa_failures);
  return isa_failures;
}
