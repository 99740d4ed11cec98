// ELF64 RISC-V executable images: validation, segments and symbols. Loading into guest memory
// is the machine's job (Machine::load); this unit only reads and checks the file.
// It refuses anything it cannot run with a UserError that says what is wrong and what to do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace unitag {

struct ElfSegment {
  uint64_t paddr = 0;  // load address (QEMU loads by physical address too)
  uint64_t vaddr = 0;
  uint64_t offset = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
  bool readable = false, writable = false, executable = false;
};

struct ElfSection {
  std::string name;
  uint64_t addr = 0;
  uint64_t size = 0;
  bool alloc = false, writable = false, executable = false;
};

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
  bool is_function = false;
  bool is_global = false;
};

class ElfImage {
 public:
  // Reads and validates; throws UserError (kNoInput / kBadImage).
  static ElfImage load(const std::string& path);
  // kExecutableOrShared also takes a shared object (ET_DYN, e.g. the vDSO a kernel maps into
  // processes), which is never loaded, only read for its code and symbols.
  enum class ElfKind { kExecutable, kExecutableOrShared };
  static ElfImage parse(std::vector<uint8_t> bytes, const std::string& name,
                        ElfKind kind = ElfKind::kExecutable);

  const std::string& path() const { return path_; }
  uint64_t entry() const { return entry_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }
  const std::vector<ElfSection>& sections() const { return sections_; }
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }
  // Whether any segment or section uses F/D (e_flags float ABI).
  bool float_abi() const { return float_abi_; }
  // Whether it has a full symbol table (.symtab), not only dynamic symbols or none (stripped).
  bool has_symbol_table() const { return has_symbol_table_; }

  // Whether a loadable segment covers vaddr (its memory size: bss included).
  bool covers(uint64_t vaddr) const;
  // Copies up to `n` bytes of file contents from vaddr on, within the segment holding vaddr
  // (bss and gaps have none); returns how many it copied.
  size_t read(uint64_t vaddr, void* out, size_t n) const;

  std::optional<uint64_t> symbol_address(const std::string& name) const;
  // The function symbol containing addr, if any (sorted lookup).
  const ElfSymbol* function_at(uint64_t addr) const;
  // "name+0x12" or "0x80000012" when no symbol covers addr.
  std::string describe(uint64_t addr) const;

 private:
  std::string path_;
  std::vector<uint8_t> bytes_;
  uint64_t entry_ = 0;
  bool float_abi_ = false;
  bool has_symbol_table_ = false;
  std::vector<ElfSegment> segments_;
  std::vector<ElfSection> sections_;
  std::vector<ElfSymbol> symbols_;
  std::vector<const ElfSymbol*> functions_by_address_;
};

}  // namespace unitag
