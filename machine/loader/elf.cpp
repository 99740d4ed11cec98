#include "machine/loader/elf.h"

#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "machine/errors.h"

namespace unitag {
namespace {

[[noreturn]] void bad(const std::string& name, const std::string& what) {
  throw UserError(exit_code::kBadImage, fmt::format("{}: {}", name, what));
}

template <typename T>
T read_at(const std::vector<uint8_t>& b, uint64_t off, const std::string& name, const char* what) {
  if (off > b.size() || b.size() - off < sizeof(T))
    bad(name, fmt::format("truncated ELF: {} at offset {} lies past the end of the file ({} bytes)",
                          what, off, b.size()));
  T v;
  std::memcpy(&v, b.data() + off, sizeof(T));
  return v;
}

}  // namespace

ElfImage ElfImage::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError(
        exit_code::kNoInput,
        fmt::format("{}: is a directory, not an image; give the path of an ELF file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError(exit_code::kNoInput, fmt::format("{}: cannot open image ({}); check the path",
                                                     path, std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return parse(std::move(bytes), path);
}

ElfImage ElfImage::parse(std::vector<uint8_t> bytes, const std::string& name, ElfKind kind) {
  ElfImage img;
  img.path_ = name;
  img.bytes_ = std::move(bytes);
  const auto& b = img.bytes_;
  if (b.size() < EI_NIDENT || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0)
    bad(name, "not an ELF file (no \\x7fELF magic); give a RISC-V ELF executable");
  if (b[EI_CLASS] != ELFCLASS64)
    bad(name, "32-bit ELF; unitag runs RV64 images (build with -march=rv64...)");
  if (b[EI_DATA] != ELFDATA2LSB) bad(name, "big-endian ELF; RISC-V images are little-endian");
  const auto eh = read_at<Elf64_Ehdr>(b, 0, name, "ELF header");
  if (eh.e_machine != EM_RISCV)
    bad(name, fmt::format(
                  "ELF machine {} is not RISC-V (243); cross-compile with riscv64-unknown-elf-gcc",
                  eh.e_machine));
  if (eh.e_type != ET_EXEC && !(kind == ElfKind::kExecutableOrShared && eh.e_type == ET_DYN))
    bad(name,
        eh.e_type == ET_DYN
            ? "position-independent or shared object; link a static executable (-static, no -pie)"
            : "not an executable (e_type != ET_EXEC); link the program");
  img.entry_ = eh.e_entry;
  img.float_abi_ = (eh.e_flags & EF_RISCV_FLOAT_ABI) != 0;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
    bad(name, "no program headers; nothing to load");
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    const auto ph = read_at<Elf64_Phdr>(b, eh.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr), name,
                                        "program header");
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz) bad(name, fmt::format("segment {} has filesz > memsz", i));
    if (ph.p_offset > b.size() || b.size() - ph.p_offset < ph.p_filesz)
      bad(name, fmt::format("segment {} extends past the end of the file (truncated image?)", i));
    ElfSegment s;
    s.paddr = ph.p_paddr;
    s.vaddr = ph.p_vaddr;
    s.offset = ph.p_offset;
    s.filesz = ph.p_filesz;
    s.memsz = ph.p_memsz;
    s.readable = ph.p_flags & PF_R;
    s.writable = ph.p_flags & PF_W;
    s.executable = ph.p_flags & PF_X;
    img.segments_.push_back(s);
  }
  if (img.segments_.empty()) bad(name, "no loadable segments");

  // Sections and symbols are optional (a stripped image still runs).
  if (eh.e_shoff != 0 && eh.e_shnum != 0 && eh.e_shentsize == sizeof(Elf64_Shdr)) {
    std::vector<Elf64_Shdr> shdrs;
    for (unsigned i = 0; i < eh.e_shnum; ++i)
      shdrs.push_back(read_at<Elf64_Shdr>(b, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr), name,
                                          "section header"));
    auto str_at = [&](const Elf64_Shdr& strtab, uint64_t off) -> std::string {
      if (strtab.sh_offset > b.size() || off >= strtab.sh_size ||
          strtab.sh_offset + off >= b.size())
        return {};
      const char* p = reinterpret_cast<const char*>(b.data() + strtab.sh_offset + off);
      const size_t max =
          std::min<uint64_t>(strtab.sh_size - off, b.size() - strtab.sh_offset - off);
      return std::string(p, strnlen(p, max));
    };
    const Elf64_Shdr* shstr = eh.e_shstrndx < shdrs.size() ? &shdrs[eh.e_shstrndx] : nullptr;
    // A stripped shared object (the kernel's vDSO) keeps only its dynamic symbols.
    const bool has_symtab = std::any_of(
        shdrs.begin(), shdrs.end(), [](const Elf64_Shdr& sh) { return sh.sh_type == SHT_SYMTAB; });
    const uint32_t symbol_table = has_symtab ? SHT_SYMTAB : SHT_DYNSYM;
    img.has_symbol_table_ = has_symtab;
    for (const auto& sh : shdrs) {
      ElfSection sec;
      sec.name = shstr ? str_at(*shstr, sh.sh_name) : std::string();
      sec.addr = sh.sh_addr;
      sec.size = sh.sh_size;
      sec.alloc = sh.sh_flags & SHF_ALLOC;
      sec.writable = sh.sh_flags & SHF_WRITE;
      sec.executable = sh.sh_flags & SHF_EXECINSTR;
      img.sections_.push_back(sec);
      if (sh.sh_type != symbol_table || sh.sh_entsize != sizeof(Elf64_Sym) ||
          sh.sh_link >= shdrs.size())
        continue;
      const Elf64_Shdr& strtab = shdrs[sh.sh_link];
      const uint64_t count = sh.sh_size / sizeof(Elf64_Sym);
      for (uint64_t k = 1; k < count; ++k) {
        const auto sym =
            read_at<Elf64_Sym>(b, sh.sh_offset + k * sizeof(Elf64_Sym), name, "symbol");
        const unsigned type = ELF64_ST_TYPE(sym.st_info);
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) continue;
        if (sym.st_shndx == SHN_UNDEF) continue;
        ElfSymbol s;
        s.name = str_at(strtab, sym.st_name);
        if (s.name.empty() || s.name[0] == '$' || s.name.rfind(".L", 0) == 0) continue;
        s.value = sym.st_value;
        s.size = sym.st_size;
        s.is_function = type == STT_FUNC;
        s.is_global = ELF64_ST_BIND(sym.st_info) != STB_LOCAL;
        img.symbols_.push_back(std::move(s));
      }
    }
  }
  for (const auto& s : img.symbols_)
    if (s.is_function) img.functions_by_address_.push_back(&s);
  std::sort(img.functions_by_address_.begin(), img.functions_by_address_.end(),
            [](const ElfSymbol* a, const ElfSymbol* c) { return a->value < c->value; });

  const bool entry_ok =
      std::any_of(img.segments_.begin(), img.segments_.end(), [&](const ElfSegment& s) {
        return s.executable && img.entry_ >= s.vaddr && img.entry_ < s.vaddr + s.memsz;
      });
  if (!entry_ok && eh.e_type == ET_EXEC)
    bad(name, fmt::format("entry point 0x{:x} is not inside an executable segment", img.entry_));
  return img;
}

std::optional<uint64_t> ElfImage::symbol_address(const std::string& name) const {
  for (const auto& s : symbols_)
    if (s.name == name) return s.value;
  return std::nullopt;
}

bool ElfImage::covers(uint64_t vaddr) const {
  for (const ElfSegment& s : segments_)
    if (vaddr >= s.vaddr && vaddr - s.vaddr < s.memsz) return true;
  return false;
}

size_t ElfImage::read(uint64_t vaddr, void* out, size_t n) const {
  for (const ElfSegment& s : segments_)
    if (vaddr >= s.vaddr && vaddr - s.vaddr < s.filesz) {
      const size_t copied = std::min<uint64_t>(n, s.filesz - (vaddr - s.vaddr));
      std::memcpy(out, bytes_.data() + s.offset + (vaddr - s.vaddr), copied);
      return copied;
    }
  return 0;
}

const ElfSymbol* ElfImage::function_at(uint64_t addr) const {
  auto it = std::upper_bound(functions_by_address_.begin(), functions_by_address_.end(), addr,
                             [](uint64_t a, const ElfSymbol* s) { return a < s->value; });
  if (it == functions_by_address_.begin()) return nullptr;
  const ElfSymbol* s = *(it - 1);
  if (s->size != 0 && addr >= s->value + s->size) return nullptr;
  return s;
}

std::string ElfImage::describe(uint64_t addr) const {
  if (const ElfSymbol* s = function_at(addr)) {
    if (addr == s->value) return s->name;
    return fmt::format("{}+0x{:x}", s->name, addr - s->value);
  }
  return fmt::format("0x{:x}", addr);
}

}  // namespace unitag
