// Source locations for reports: address -> "file:line" from the image's DWARF line table
// (elfutils libdw), and "function+offset" from its symbols. Images without debug info give
// the symbol only. A Linux program beside the personality answers for its own addresses; on a
// firmware boot each image (kernel, vDSO, firmware, processes) answers for its own, named.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "machine/loader/elf.h"
#include "tags/engine/image_facts.h"

struct Dwarf;

namespace unitag::tags {

class SourceLines {
 public:
  explicit SourceLines(const ElfImage& image, const ElfImage* program = nullptr);
  // Addresses as ImageFacts names them (each image at its bias); the first image answers for
  // addresses no image covers.
  explicit SourceLines(const std::vector<PlacedImage>& images);
  ~SourceLines();
  SourceLines(const SourceLines&) = delete;
  SourceLines& operator=(const SourceLines&) = delete;

  // "path/file.c:12", or nullopt when no line table covers addr.
  std::optional<std::string> line(uint64_t addr) const;
  // "0x80000124 in main at file.c:12" (the parts that are known), with the image's label
  // ("0x10a3c in main (process init)") when it has one.
  std::string where(uint64_t addr) const;

 private:
  struct Owner {
    const ElfImage* elf;
    uint64_t bias;
    std::string label;
    int fd = -1;
    Dwarf* dwarf = nullptr;  // nullptr: no debug info
  };
  const Owner& owner_of(uint64_t addr) const;

  std::vector<Owner> owners_;
  mutable std::mutex mu_;
};

}  // namespace unitag::tags
