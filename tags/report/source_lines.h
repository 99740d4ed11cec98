// Source locations for reports: address -> "file:line" from the image's DWARF line table
// (elfutils libdw), and "function+offset" from its symbols. Images without debug info give
// the symbol only. A Linux program beside the personality answers for its own addresses.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "machine/loader/elf.h"

struct Dwarf;

namespace unitag::tags {

class SourceLines {
 public:
  explicit SourceLines(const ElfImage& image, const ElfImage* program = nullptr);
  ~SourceLines();
  SourceLines(const SourceLines&) = delete;
  SourceLines& operator=(const SourceLines&) = delete;

  // "path/file.c:12", or nullopt when no line table covers addr.
  std::optional<std::string> line(uint64_t addr) const;
  // "0x80000124 in main at file.c:12" (the parts that are known).
  std::string where(uint64_t addr) const;

 private:
  // The program's lines when addr is inside one of its segments, else nullptr.
  const SourceLines* owner_of(uint64_t addr) const;

  const ElfImage& image_;
  std::unique_ptr<SourceLines> program_;
  int fd_ = -1;
  Dwarf* dwarf_ = nullptr;
  mutable std::mutex mu_;
};

}  // namespace unitag::tags
