#include "tags/engine/image_facts.h"

#include <algorithm>
#include <cstring>

#include "machine/isa/decoder.h"

namespace unitag::tags {

ImageFacts::ImageFacts(const ElfImage& image) : image_(image) {
  for (const ElfSection& s : image.sections())
    if (s.alloc && s.executable && s.size) code_.emplace_back(s.addr, s.addr + s.size);
  if (code_.empty())  // stripped section headers: fall back to executable segments
    for (const ElfSegment& s : image.segments())
      if (s.executable) code_.emplace_back(s.vaddr, s.vaddr + s.memsz);
  std::sort(code_.begin(), code_.end());
  for (const ElfSymbol& s : image.symbols()) {
    if (!is_code(s.value)) continue;
    if (s.is_function || s.is_global) entries_.insert(s.value);
    if (!s.is_function) continue;
    functions_.push_back(FunctionInfo{s.name, s.value, s.value + std::max<uint64_t>(s.size, 2), 0});
  }
  entries_.insert(image.entry());
  std::sort(functions_.begin(), functions_.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.start < b.start; });
  for (size_t i = 0; i < functions_.size(); ++i) {
    functions_[i].index = static_cast<uint32_t>(i + 1);
    by_name_.emplace(functions_[i].name, i);
  }
  find_return_sites();
}

bool ImageFacts::is_code(uint64_t addr) const {
  auto it = std::upper_bound(code_.begin(), code_.end(), std::make_pair(addr, ~uint64_t{0}));
  return it != code_.begin() && addr < std::prev(it)->second;
}

const FunctionInfo* ImageFacts::function_at(uint64_t addr) const {
  auto it = std::upper_bound(functions_.begin(), functions_.end(), addr,
                             [](uint64_t a, const FunctionInfo& f) { return a < f.start; });
  if (it == functions_.begin()) return nullptr;
  const FunctionInfo& f = *std::prev(it);
  return addr < f.end ? &f : nullptr;
}

bool ImageFacts::instruction_at(uint64_t pc, DecodedInsn& out) const {
  for (const ElfSegment& s : image_.segments()) {
    if (pc < s.vaddr || pc + 2 > s.vaddr + s.filesz) continue;
    uint32_t bits = 0;
    const size_t avail = std::min<uint64_t>(4, s.vaddr + s.filesz - pc);
    std::memcpy(&bits, image_.bytes().data() + s.offset + (pc - s.vaddr), avail);
    out = decode(bits);
    return true;
  }
  return false;
}

const FunctionInfo* ImageFacts::function_named(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &functions_[it->second];
}

// Linear sweep of every code range, resynchronised at each function start (so padding between
// functions cannot shift the decoding); a call's return site is the next instruction.
void ImageFacts::find_return_sites() {
  std::vector<uint64_t> starts;
  for (const FunctionInfo& f : functions_) starts.push_back(f.start);
  for (const auto& [lo, hi] : code_) {
    const ElfSegment* seg = nullptr;
    for (const ElfSegment& s : image_.segments())
      if (lo >= s.vaddr && lo < s.vaddr + s.filesz) seg = &s;
    if (seg == nullptr) continue;
    const uint64_t file_end = std::min(hi, seg->vaddr + seg->filesz);
    auto next_start = std::upper_bound(starts.begin(), starts.end(), lo);
    uint64_t pc = lo;
    while (pc + 2 <= file_end) {
      while (next_start != starts.end() && *next_start <= pc) {
        if (*next_start < pc) pc = *next_start;  // the sweep overran a function start
        ++next_start;
      }
      uint32_t bits = 0;
      const uint64_t off = seg->offset + (pc - seg->vaddr);
      const size_t avail = std::min<uint64_t>(4, file_end - pc);
      std::memcpy(&bits, image_.bytes().data() + off, avail);
      const DecodedInsn d = decode(bits);
      const uint8_t rd = d.arch_rd();
      if ((d.op == Op::jal || d.op == Op::jalr) && (rd == 1 || rd == 5))
        return_sites_.insert(pc + d.len);
      pc += d.len;
    }
  }
}

}  // namespace unitag::tags
