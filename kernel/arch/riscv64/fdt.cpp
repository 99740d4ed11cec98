// Flattened device tree walk (Devicetree Specification v0.4, chapter 5: big-endian header,
// structure block of FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE tokens, strings block).
#include "arch/riscv64/fdt.h"

#include <string.h>

namespace uk::fdt {
namespace {

constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;

uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
uint64_t be64(const uint8_t* p) { return uint64_t(be32(p)) << 32 | be32(p + 4); }
bool starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

}  // namespace

Facts read(const void* blob) {
  Facts f;
  const auto* base = static_cast<const uint8_t*>(blob);
  if (!base || (reinterpret_cast<uintptr_t>(base) & 3) || be32(base) != kMagic) return f;
  const uint32_t total = be32(base + 4), off_struct = be32(base + 8), off_strings = be32(base + 12);
  if (total > (16u << 20) || off_struct >= total || off_strings >= total) return f;
  f.blob_size = total;
  const uint8_t* p = base + off_struct;
  const uint8_t* const end = base + total;
  const char* strings = reinterpret_cast<const char*>(base + off_strings);
  // Path of the current node, one name per depth (only the first three levels matter here).
  const char* names[4] = {"", "", "", ""};
  int depth = 0;
  while (p + 4 <= end) {
    const uint32_t token = be32(p);
    p += 4;
    if (token == kBeginNode) {
      const char* name = reinterpret_cast<const char*>(p);
      const size_t len = strnlen(name, size_t(end - p));
      p += (len + 1 + 3) & ~size_t{3};
      if (depth < 4) names[depth] = name;
      ++depth;
      if (depth == 3 && strcmp(names[1], "cpus") == 0 && starts_with(name, "cpu@")) ++f.cpu_count;
    } else if (token == kEndNode) {
      if (--depth < 0) return f;
    } else if (token == kProp) {
      if (p + 8 > end) return f;
      const uint32_t len = be32(p), name_off = be32(p + 4);
      const uint8_t* value = p + 8;
      if (value + len > end) return f;
      const char* prop = strings + name_off;
      if (depth == 2 && starts_with(names[1], "memory") && strcmp(prop, "reg") == 0 && len >= 16 &&
          f.memory_size == 0) {
        f.memory_base = be64(value);  // QEMU virt: #address-cells = #size-cells = 2
        f.memory_size = be64(value + 8);
      }
      if (depth == 2 && strcmp(names[1], "chosen") == 0 && strcmp(prop, "bootargs") == 0 && len > 0)
        f.bootargs = reinterpret_cast<const char*>(value);
      p = value + ((len + 3) & ~uint32_t{3});
    } else if (token == kNop) {
      continue;
    } else if (token == kEnd) {
      break;
    } else {
      return f;
    }
  }
  f.valid = true;
  return f;
}

}  // namespace uk::fdt
