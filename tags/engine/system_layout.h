// Where the images of a firmware boot sit, for the tag engine (issue 15): OpenSBI at its physical
// link address (M-mode), the Linux kernel at its link addresses and, before it turns paging on,
// at its load address; the vDSO the kernel maps into every process (found inside the kernel's
// own image); and the user programs whose ELF files were given (--symbols). A fetch is named
// by its physical address where the image's place in RAM is known (firmware, kernel, vDSO) and
// by its content where it is not: a process's text lives in page-cache pages the kernel chooses,
// and two static programs share one virtual range, so each program gets its own bias in the
// facts' address space.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "machine/bus/bus.h"
#include "machine/loader/elf.h"
#include "tags/engine/image_facts.h"

namespace unitag::tags {

class SystemLayout {
 public:
  // `kernel`: the kernel's ELF (vmlinux), loaded as a raw image at `kernel_load`. `firmware`:
  // the firmware's ELF, or nullptr for a raw one. Throws std::invalid_argument when the kernel
  // ELF does not look like a kernel (its addresses must be in the upper half).
  SystemLayout(const ElfImage* firmware, const ElfImage& kernel, uint64_t kernel_load,
               std::vector<const ElfImage*> programs);
  ~SystemLayout();

  // The images for ImageFacts and SourceLines, the kernel first.
  const std::vector<PlacedImage>& images() const { return images_; }
  // The facts' address of the instruction at `pc` (physical address `paddr`) fetched in U-mode
  // (`user`) or above. `bus`: where the content of a user page is compared with the programs'.
  // Code in no image gets an address in no image (kUnknownCode), distinct per physical word.
  uint64_t fact_address(bool user, uint64_t pc, uint64_t paddr, const Bus& bus) const;
  // Where a word of an image with a fixed place sits in RAM; nullopt for programs (their pages
  // are the kernel's choice) and for the kernel's init sections (freed and reused after boot).
  std::optional<uint64_t> physical(uint64_t fact) const;

  static constexpr uint64_t kUnknownCode = uint64_t{1} << 62;
  // Whether a facts' address is one fact_address gave to code in no image (kernel addresses
  // have both top bits set).
  static bool is_unknown(uint64_t at) { return at >> 62 == 1; }
  static constexpr uint64_t kVdsoBias = uint64_t{1} << 52;
  static uint64_t program_bias(size_t index) { return uint64_t{index + 1} << 40; }

 private:
  std::vector<PlacedImage> images_;
  std::unique_ptr<ElfImage> vdso_;
  uint64_t kernel_link_ = 0, kernel_load_ = 0, kernel_size_ = 0;
  uint64_t init_begin_ = 0, init_end_ = 0;  // the kernel's freed init sections (link addresses)
  uint64_t vdso_link_ = 0, vdso_size_ = 0;  // the vDSO's place in the kernel (link addresses)
  uint64_t firmware_start_ = 0, firmware_end_ = 0;
  std::vector<const ElfImage*> programs_;
};

}  // namespace unitag::tags
