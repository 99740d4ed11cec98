// Process start-up as Linux's execve leaves it for a static binary: PT_LOAD segments mapped
// with their permissions, the break after the last one, and a stack holding argc, argv, envp and
// the auxiliary vector (AT_PHDR, AT_RANDOM, AT_HWCAP, ...) that glibc's start-up reads.
#include "linux/process.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

namespace uk::linux_abi {
namespace {

constexpr uint64_t kStackTop = 0x3ffffff000ull;
constexpr uint64_t kStackSize = 8ull << 20;       // RLIMIT_STACK's usual 8 MiB
constexpr uint64_t kDynamicBase = 0x40000000ull;  // where a static-pie program is placed
// AT_HWCAP: one bit per single-letter extension, 'a' = bit 0 (RV64IMAFDC).
constexpr uint64_t kHwcap = (1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) |
                            (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a'));

uint64_t page_down(uint64_t v) { return v & ~(kPageSize - 1); }
uint64_t page_up(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

unsigned prot_of(uint32_t flags) {
  return (flags & PF_R ? Access::kRead : 0) | (flags & PF_W ? Access::kWrite : 0) |
         (flags & PF_X ? Access::kExec : 0);
}

// The stack is written from its top down: strings first, then the vectors below them.
struct StackWriter {
  AddressSpace& memory;
  uint64_t sp;
  bool ok = true;
  uint64_t push(const void* data, size_t n) {
    sp -= n;
    ok = ok && memory.copy_out(sp, data, n);
    return sp;
  }
};

}  // namespace

bool load_program(Process& p, UserContext& ctx) {
  const auto* base = reinterpret_cast<const uint8_t*>(p.boot);
  const uint8_t* elf = base + p.boot->program_offset;
  Elf64_Ehdr eh;
  memcpy(&eh, elf, sizeof eh);
  const uint64_t bias = eh.e_type == ET_DYN ? kDynamicBase : 0;
  uint64_t phdr_address = 0, highest = 0;
  unsigned last_prot = 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    memcpy(&ph, elf + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_PHDR) phdr_address = ph.p_vaddr + bias;
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_offset <= eh.e_phoff && eh.e_phoff < ph.p_offset + ph.p_filesz && !phdr_address)
      phdr_address = ph.p_vaddr + bias + (eh.e_phoff - ph.p_offset);
    uint64_t start = page_down(ph.p_vaddr + bias);
    const uint64_t end = page_up(ph.p_vaddr + bias + ph.p_memsz);
    unsigned prot = prot_of(ph.p_flags);
    // A page shared with the previous segment keeps both permissions and its contents.
    if (start < highest) {
      p.memory.protect(start, start + kPageSize, prot | last_prot);
      start += kPageSize;
    }
    if (start < end && !p.memory.map_area(start, end, prot)) {
      printf("linux: cannot map segment %u at 0x%lx\n", i, (unsigned long)ph.p_vaddr);
      return false;
    }
    if (!p.memory.write_initial(ph.p_vaddr + bias, elf + ph.p_offset, ph.p_filesz)) {
      printf("linux: out of memory loading segment %u\n", i);
      return false;
    }
    if (end > highest) highest = end;
    last_prot = prot;
  }
  // Once every segment is in (two may share a page), the words get their load-time tags.
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    memcpy(&ph, elf + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_LOAD) p.memory.tag_image_pages(ph.p_vaddr + bias, ph.p_filesz);
  }
  p.entry = eh.e_entry + bias;
  p.brk_start = p.brk_end = highest;

  if (!p.memory.map_area(kStackTop - kStackSize, kStackTop, Access::kRead | Access::kWrite))
    return false;
  StackWriter stack{p.memory, kStackTop};
  const char* strings = reinterpret_cast<const char*>(base + p.boot->strings_offset);
  const unsigned count = p.boot->argc + p.boot->envc;
  uint64_t* pointers = new uint64_t[count];
  const char* s = strings;
  for (unsigned i = 0; i < count; ++i) {
    const size_t n = strlen(s) + 1;
    pointers[i] = stack.push(s, n);
    s += n;
  }
  const uint64_t execfn = p.boot->argc ? pointers[0] : 0;
  const uint64_t platform = stack.push("riscv64", 8);
  stack.sp &= ~uint64_t{15};
  const uint64_t random = stack.push(p.boot->random, 16);
  const uint64_t auxv[][2] = {{AT_PHDR, phdr_address},
                              {AT_PHENT, sizeof(Elf64_Phdr)},
                              {AT_PHNUM, eh.e_phnum},
                              {AT_PAGESZ, kPageSize},
                              {AT_BASE, 0},
                              {AT_FLAGS, 0},
                              {AT_ENTRY, p.entry},
                              {AT_UID, 0},
                              {AT_EUID, 0},
                              {AT_GID, 0},
                              {AT_EGID, 0},
                              {AT_HWCAP, kHwcap},
                              {AT_CLKTCK, 100},
                              {AT_SECURE, 0},
                              {AT_RANDOM, random},
                              {AT_PLATFORM, platform},
                              {AT_EXECFN, execfn},
                              {AT_NULL, 0}};
  // argc, argv[], NULL, envp[], NULL, auxv: sp 16-byte aligned at argc.
  const uint64_t words = 1 + p.boot->argc + 1 + p.boot->envc + 1 + 2 * (sizeof auxv / 16);
  stack.sp = (stack.sp - words * 8) & ~uint64_t{15};
  const uint64_t sp = stack.sp;
  uint64_t cursor = sp;
  auto put = [&](uint64_t v) {
    stack.ok = stack.ok && p.memory.copy_out(cursor, &v, 8);
    cursor += 8;
  };
  put(p.boot->argc);
  for (unsigned i = 0; i < p.boot->argc; ++i) put(pointers[i]);
  put(0);
  for (unsigned i = p.boot->argc; i < count; ++i) put(pointers[i]);
  put(0);
  for (const auto& pair : auxv) {
    put(pair[0]);
    put(pair[1]);
  }
  delete[] pointers;
  if (!stack.ok) {
    printf("linux: out of memory building the initial stack\n");
    return false;
  }
  ctx.x[2] = sp;
  ctx.pc = p.entry;
  return true;
}

}  // namespace uk::linux_abi
