// Builders for 32-bit RISC-V encodings. The compressed-instruction table uses them to expand
// each C instruction into its base equivalent, so C instructions have no semantics of their own.
#pragma once

#include <cstdint>

namespace unitag::enc {

constexpr uint32_t r(uint32_t opc, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1,
                     uint32_t rs2) {
  return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
constexpr uint32_t i(uint32_t opc, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
  return opc | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
constexpr uint32_t s(uint32_t opc, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}
constexpr uint32_t b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}
constexpr uint32_t u(uint32_t opc, uint32_t rd, int32_t imm) {
  return opc | rd << 7 | (static_cast<uint32_t>(imm) & 0xfffff000);
}
constexpr uint32_t j(uint32_t rd, int32_t imm) {
  const uint32_t v = static_cast<uint32_t>(imm);
  return 0x6f | rd << 7 | ((v >> 12) & 0xff) << 12 | ((v >> 11) & 1) << 20 |
         ((v >> 1) & 0x3ff) << 21 | ((v >> 20) & 1) << 31;
}

}  // namespace unitag::enc
