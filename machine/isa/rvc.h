// Field extraction for 16-bit compressed instructions, and the expansion entry point.
#pragma once

#include <cstdint>

namespace unitag {

namespace rvc {
constexpr uint32_t bits(uint32_t c, int hi, int lo) {
  return (c >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr int32_t sext(uint32_t v, int width) {
  return static_cast<int32_t>(v << (32 - width)) >> (32 - width);
}
constexpr uint32_t rd(uint32_t c) { return bits(c, 11, 7); }
constexpr uint32_t rs2(uint32_t c) { return bits(c, 6, 2); }
constexpr uint32_t rdp(uint32_t c) { return 8 + bits(c, 4, 2); }
constexpr uint32_t rs2p(uint32_t c) { return 8 + bits(c, 4, 2); }
constexpr uint32_t rs1p(uint32_t c) { return 8 + bits(c, 9, 7); }
constexpr int32_t ci_imm(uint32_t c) { return sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6); }
constexpr int32_t ci_shamt(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 12) << 5 | bits(c, 6, 2));
}
constexpr int32_t ciw_uimm(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bits(c, 6, 6) << 2 |
                              bits(c, 5, 5) << 3);
}
constexpr int32_t cl_uimm_w(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6);
}
constexpr int32_t cl_uimm_d(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6);
}
constexpr int32_t addi16sp_imm(uint32_t c) {
  return sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 | bits(c, 5, 5) << 6 | bits(c, 4, 3) << 7 |
                  bits(c, 2, 2) << 5,
              10);
}
constexpr int32_t cj_imm(uint32_t c) {
  return sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 | bits(c, 10, 9) << 8 |
                  bits(c, 8, 8) << 10 | bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
                  bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5,
              12);
}
constexpr int32_t cb_imm(uint32_t c) {
  return sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
                  bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5,
              9);
}
constexpr int32_t ci_lwsp_uimm(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6);
}
constexpr int32_t ci_ldsp_uimm(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6);
}
constexpr int32_t css_uimm_w(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6);
}
constexpr int32_t css_uimm_d(uint32_t c) {
  return static_cast<int32_t>(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6);
}
}  // namespace rvc

// Expands a 16-bit instruction to its 32-bit equivalent; 0 when reserved or illegal.
// `fp_enabled` says whether the machine implements D (c.fld/c.fsd/c.fldsp/c.fsdsp).
uint32_t expand_compressed(uint16_t c, bool fp_enabled);

// The name of the compressed instruction (for disassembly), or "c.?" when none matches.
const char* compressed_name(uint16_t c);

}  // namespace unitag
