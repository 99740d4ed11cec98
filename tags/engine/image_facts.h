// What the loader learns about an image from the ELF alone, for tagging at load: which addresses
// are code, where functions start, where calls return to, which functions are the allocator.
// Policies read these facts to choose instruction (CI) and memory tags; they never parse ELF.
// A Linux program run by the library OS's personality is a second image in the same facts: its
// addresses (user virtual, below RAM) never overlap the personality's, so one set of facts
// answers for both; its words get their load-time tags when the personality maps them
// (tag.image, docs/tag-isa.md). On a firmware boot (tags/engine/system_layout.h) the facts hold
// the firmware, the Linux kernel, its vDSO and the user programs, each at a `bias` that keeps
// their addresses apart (two static programs share one virtual range).
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

// One image in the facts: its link address `a` is the facts' address `a + bias`.
struct PlacedImage {
  enum class Role { kMain, kProgram, kKernel, kVdso, kFirmware };
  const ElfImage* elf = nullptr;
  Role role = Role::kMain;
  uint64_t bias = 0;
  // Shown after addresses in reports ("kernel", "process /init"); empty for a library-OS run.
  std::string label;
  // Whether the image's control flow can be checked: a stripped firmware names no functions,
  // so cfi and stack trust its jumps and returns (rwx still checks it).
  bool trusted = false;
  bool covers(uint64_t addr) const { return addr >= bias && elf->covers(addr - bias); }
};

class ImageFacts {
 public:
  explicit ImageFacts(const ElfImage& image, const ElfImage* program = nullptr);
  // The first image is the main one (image()).
  explicit ImageFacts(std::vector<PlacedImage> images);
  // A library-OS run's images: the loaded image, and the Linux program it runs if any.
  static std::vector<PlacedImage> placed(const ElfImage& image, const ElfImage* program);

  // The image the machine loaded (a library-OS app, bare-metal program or the personality), or
  // the kernel of a firmware boot.
  const ElfImage& image() const { return *images_.front().elf; }
  const std::vector<PlacedImage>& images() const { return images_; }
  // The first Linux program (the one the personality runs), or nullptr.
  const ElfImage* program() const;
  // Inside one of a program's loadable segments (a user virtual address plus its bias).
  bool in_program(uint64_t addr) const;
  // The image whose loadable segments hold addr, or nullptr.
  const PlacedImage* image_at(uint64_t addr) const;
  // Inside an image whose control flow is trusted (PlacedImage::trusted).
  bool in_trusted_image(uint64_t addr) const;
  // Inside an executable section.
  bool is_code(uint64_t addr) const;
  const std::vector<std::pair<uint64_t, uint64_t>>& code_ranges() const { return code_; }
  // A legal target of an indirect call: a function symbol, a global code symbol, or the entry.
  bool is_function_entry(uint64_t addr) const { return entries_.count(addr) != 0; }
  // The instruction right after a call (jal/jalr that writes ra or t0).
  bool is_return_site(uint64_t addr) const { return return_sites_.count(addr) != 0; }
  // An instruction of a kernel's entry code that computes the address of a return-by-convention
  // label into a register (the addi of `la ra, ret_from_exception`): the value is a return
  // address though no call wrote it (kLinuxLinkageReturns in image_facts.cpp).
  bool makes_linkage_return(uint64_t pc) const { return linkage_makers_.count(pc) != 0; }
  // A kernel's `jr t0` that dispatches through a table it just loaded t0 from (handle_exception's
  // jump to the exception vector): a computed jump, though t0-indirect jumps are returns by the
  // ISA's convention (the kernel's memmove does return through t0).
  bool is_dispatch_jump(uint64_t pc) const { return dispatch_jumps_.count(pc) != 0; }
  // A C++ exception landing pad (from .eh_frame and the LSDAs).
  bool is_landing_pad(uint64_t addr) const { return landing_pads_.count(addr) != 0; }
  // Inside a libgcc function that returns into a landing pad (__builtin_eh_return).
  bool in_unwinder(uint64_t pc) const;
  // The function containing addr (nullptr outside every function symbol).
  const FunctionInfo* function_at(uint64_t addr) const;
  const FunctionInfo* function_by_index(uint64_t index) const {
    return index && index <= functions_.size() ? &functions_[index - 1] : nullptr;
  }
  // Address of a function symbol by name.
  const FunctionInfo* function_named(const std::string& name) const;
  // Every function of that name, in every image (two programs each have their malloc).
  std::vector<const FunctionInfo*> functions_named(const std::string& name) const;
  // The instruction at pc, decoded from the image's bytes (false outside loaded file contents).
  bool instruction_at(uint64_t pc, DecodedInsn& out) const;
  size_t return_site_count() const { return return_sites_.size(); }
  size_t entry_count() const { return entries_.size(); }

 private:
  void add_code_and_functions(const PlacedImage& placed);
  void find_return_sites();
  // The kernel's return-by-convention labels become return sites; their makers are recorded, and
  // so are its table dispatches through t0.
  void find_linkage_returns(const PlacedImage& kernel);
  // File bytes at addr from whichever image holds them (ElfImage::read).
  size_t read(uint64_t addr, void* out, size_t n) const;

  std::vector<PlacedImage> images_;
  std::vector<std::pair<uint64_t, uint64_t>> code_;  // [start, end)
  std::vector<FunctionInfo> functions_;              // sorted by start
  std::unordered_set<uint64_t> entries_;
  std::unordered_set<uint64_t> return_sites_;
  std::unordered_set<uint64_t> landing_pads_;
  std::unordered_set<uint64_t> linkage_makers_;
  std::unordered_set<uint64_t> dispatch_jumps_;
  std::unordered_map<std::string, size_t> by_name_;
};

}  // namespace unitag::tags
