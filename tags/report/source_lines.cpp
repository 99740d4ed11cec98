#include "tags/report/source_lines.h"

#include <elfutils/libdw.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace unitag::tags {
namespace {

// Without .debug_aranges covering addr (GCC does not always emit them, e.g. next to picolibc's
// objects) the compile unit is found by asking each one whether it covers the address.
bool find_cu(Dwarf* dwarf, uint64_t addr, Dwarf_Die& cu) {
  Dwarf_Off offset = 0, next = 0;
  size_t header_size = 0;
  while (dwarf_nextcu(dwarf, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
    if (dwarf_offdie(dwarf, offset + header_size, &cu) != nullptr && dwarf_haspc(&cu, addr) > 0)
      return true;
    offset = next;
  }
  return false;
}

}  // namespace

SourceLines::SourceLines(const ElfImage& image, const ElfImage* program) : image_(image) {
  if (program != nullptr) program_ = std::make_unique<SourceLines>(*program);
  fd_ = ::open(image.path().c_str(), O_RDONLY);
  if (fd_ >= 0) dwarf_ = dwarf_begin(fd_, DWARF_C_READ);  // nullptr: no debug info
}

SourceLines::~SourceLines() {
  if (dwarf_) dwarf_end(dwarf_);
  if (fd_ >= 0) ::close(fd_);
}

const SourceLines* SourceLines::owner_of(uint64_t addr) const {
  return program_ && program_->image_.covers(addr) ? program_.get() : nullptr;
}

std::optional<std::string> SourceLines::line(uint64_t addr) const {
  if (const SourceLines* p = owner_of(addr)) return p->line(addr);
  if (!dwarf_) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  Dwarf_Die cu;
  if (dwarf_addrdie(dwarf_, addr, &cu) == nullptr && !find_cu(dwarf_, addr, cu))
    return std::nullopt;
  Dwarf_Line* l = dwarf_getsrc_die(&cu, addr);
  if (l == nullptr) return std::nullopt;
  const char* file = dwarf_linesrc(l, nullptr, nullptr);
  int lineno = 0;
  if (file == nullptr || dwarf_lineno(l, &lineno) != 0) return std::nullopt;
  return fmt::format("{}:{}", file, lineno);
}

std::string SourceLines::where(uint64_t addr) const {
  if (const SourceLines* p = owner_of(addr)) return p->where(addr);
  std::string s = fmt::format("0x{:x}", addr);
  if (const ElfSymbol* f = image_.function_at(addr)) s += fmt::format(" in {}", f->name);
  if (auto l = line(addr)) s += fmt::format(" at {}", *l);
  return s;
}

}  // namespace unitag::tags
