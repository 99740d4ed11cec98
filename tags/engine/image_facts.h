// What the loader learns about an image from the ELF alone, for tagging at load: which addresses
// are code, where functions start, where calls return to, which functions are the allocator.
// Policies read these facts to choose instruction (CI) and memory tags; they never parse ELF.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "machine/isa/insn.h"
#include "machine/loader/elf.h"

namespace unitag::tags {

struct FunctionInfo {
  std::string name;
  uint64_t start = 0, end = 0;
  uint32_t index = 0;  // 1-based, stable for one image
};

class ImageFacts {
 public:
  explicit ImageFacts(const ElfImage& image);

  const ElfImage& image() const { return image_; }
  // Inside an executable section.
  bool is_code(uint64_t addr) const;
  const std::vector<std::pair<uint64_t, uint64_t>>& code_ranges() const { return code_; }
  // A legal target of an indirect call: a function symbol, a global code symbol, or the entry.
  bool is_function_entry(uint64_t addr) const { return entries_.count(addr) != 0; }
  // The instruction right after a call (jal/jalr that writes ra or t0).
  bool is_return_site(uint64_t addr) const { return return_sites_.count(addr) != 0; }
  // The function containing addr (nullptr outside every function symbol).
  const FunctionInfo* function_at(uint64_t addr) const;
  const FunctionInfo* function_by_index(uint64_t index) const {
    return index && index <= functions_.size() ? &functions_[index - 1] : nullptr;
  }
  // Address of a function symbol by name.
  const FunctionInfo* function_named(const std::string& name) const;
  // The instruction at pc, decoded from the image's bytes (false outside loaded file contents).
  bool instruction_at(uint64_t pc, DecodedInsn& out) const;
  size_t return_site_count() const { return return_sites_.size(); }
  size_t entry_count() const { return entries_.size(); }

 private:
  void find_return_sites();

  const ElfImage& image_;
  std::vector<std::pair<uint64_t, uint64_t>> code_;  // [start, end)
  std::vector<FunctionInfo> functions_;              // sorted by start
  std::unordered_set<uint64_t> entries_;
  std::unordered_set<uint64_t> return_sites_;
  std::unordered_map<std::string, size_t> by_name_;
};

}  // namespace unitag::tags
