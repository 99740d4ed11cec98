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

SourceLines::SourceLines(const ElfImage& image, const ElfImage* program)
    : SourceLines(ImageFacts::placed(image, program)) {}

SourceLines::SourceLines(const std::vector<PlacedImage>& images) {
  for (const PlacedImage& i : images) {
    Owner o{i.elf, i.bias, i.label};
    o.fd = ::open(i.elf->path().c_str(), O_RDONLY);
    if (o.fd >= 0) o.dwarf = dwarf_begin(o.fd, DWARF_C_READ);
    owners_.push_back(o);
  }
}

SourceLines::~SourceLines() {
  for (Owner& o : owners_) {
    if (o.dwarf) dwarf_end(o.dwarf);
    if (o.fd >= 0) ::close(o.fd);
  }
}

const SourceLines::Owner& SourceLines::owner_of(uint64_t addr) const {
  for (const Owner& o : owners_)
    if (addr >= o.bias && o.elf->covers(addr - o.bias)) return o;
  return owners_.front();
}

std::optional<std::string> SourceLines::line(uint64_t addr) const {
  const Owner& o = owner_of(addr);
  if (!o.dwarf) return std::nullopt;
  addr -= o.bias;
  std::lock_guard<std::mutex> lock(mu_);
  Dwarf_Die cu;
  if (dwarf_addrdie(o.dwarf, addr, &cu) == nullptr && !find_cu(o.dwarf, addr, cu))
    return std::nullopt;
  Dwarf_Line* l = dwarf_getsrc_die(&cu, addr);
  if (l == nullptr) return std::nullopt;
  const char* file = dwarf_linesrc(l, nullptr, nullptr);
  int lineno = 0;
  if (file == nullptr || dwarf_lineno(l, &lineno) != 0) return std::nullopt;
  return fmt::format("{}:{}", file, lineno);
}

std::string SourceLines::where(uint64_t addr) const {
  const Owner& o = owner_of(addr);
  const uint64_t at = addr - o.bias;
  std::string s = fmt::format("0x{:x}", at);
  if (const ElfSymbol* f = o.elf->function_at(at)) s += fmt::format(" in {}", f->name);
  if (auto l = line(addr)) s += fmt::format(" at {}", *l);
  if (!o.label.empty()) s += fmt::format(" ({})", o.label);
  return s;
}

}  // namespace unitag::tags
