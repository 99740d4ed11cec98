// A small valid RV64 executable built in memory (one RX segment, symbols, section names), for
// tests and fuzz targets that need a real ElfImage without the cross toolchain.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace unitag::test {

// A small valid RV64 executable: one RX segment with `code` at 0x80000000, a symbol table
// with `_start` and `main`, and section names.
inline std::vector<uint8_t> minimal_elf(const std::vector<uint32_t>& code) {
  const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
  const char strtab[] = "\0_start\0main";
  std::vector<uint8_t> out(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
  const uint64_t text_off = out.size();
  const size_t text_size = code.size() * 4;
  out.resize(text_off + text_size);
  std::memcpy(out.data() + text_off, code.data(), text_size);
  auto append = [&](const void* p, size_t n) {
    const uint64_t off = out.size();
    out.insert(out.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
    return off;
  };
  Elf64_Sym syms[3]{};
  syms[1].st_name = 1;
  syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
  syms[1].st_shndx = 1;
  syms[1].st_value = 0x80000000;
  syms[1].st_size = 8;
  syms[2].st_name = 8;
  syms[2].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
  syms[2].st_shndx = 1;
  syms[2].st_value = 0x80000008;
  syms[2].st_size = text_size - 8;
  while (out.size() % 8) out.push_back(0);
  const uint64_t sym_off = append(syms, sizeof syms);
  const uint64_t str_off = append(strtab, sizeof strtab);
  const uint64_t shstr_off = append(shstr, sizeof shstr);
  while (out.size() % 8) out.push_back(0);
  Elf64_Shdr sh[5]{};
  sh[1] = {1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0x80000000, text_off, text_size, 0, 0, 4, 0};
  sh[2] = {7, SHT_SYMTAB, 0, 0, sym_off, sizeof syms, 3, 1, 8, sizeof(Elf64_Sym)};
  sh[3] = {15, SHT_STRTAB, 0, 0, str_off, sizeof strtab, 0, 0, 1, 0};
  sh[4] = {23, SHT_STRTAB, 0, 0, shstr_off, sizeof shstr, 0, 0, 1, 0};
  const uint64_t sh_off = append(sh, sizeof sh);

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_RISCV;
  eh.e_version = EV_CURRENT;
  eh.e_entry = 0x80000000;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_shoff = sh_off;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 1;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 5;
  eh.e_shstrndx = 4;
  Elf64_Phdr ph{};
  ph.p_type = PT_LOAD;
  ph.p_flags = PF_R | PF_X;
  ph.p_offset = text_off;
  ph.p_vaddr = ph.p_paddr = 0x80000000;
  ph.p_filesz = text_size;
  ph.p_memsz = text_size + 0x100;
  ph.p_align = 4;
  std::memcpy(out.data(), &eh, sizeof eh);
  std::memcpy(out.data() + sizeof eh, &ph, sizeof ph);
  return out;
}

}  // namespace unitag::test
