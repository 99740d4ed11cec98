#include "tags/engine/image_facts.h"

#include <algorithm>

#include "machine/isa/decoder.h"
#include "tags/engine/landing_pads.h"

namespace unitag::tags {

ImageFacts::ImageFacts(const ElfImage& image, const ElfImage* program) : images_{&image} {
  if (program != nullptr) images_.push_back(program);
  for (const ElfImage* i : images_) add_code_and_functions(*i);
  std::sort(functions_.begin(), functions_.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.start < b.start; });
  // A name both images define (malloc in the personality and in glibc) finds the program's,
  // which sits at the lower addresses.
  for (size_t i = 0; i < functions_.size(); ++i) {
    functions_[i].index = static_cast<uint32_t>(i + 1);
    by_name_.emplace(functions_[i].name, i);
  }
  find_return_sites();
}

void ImageFacts::add_code_and_functions(const ElfImage& image) {
  const size_t first = code_.size();
  for (const ElfSection& s : image.sections())
    if (s.alloc && s.executable && s.size) code_.emplace_back(s.addr, s.addr + s.size);
  if (code_.size() == first)  // stripped section headers: fall back to executable segments
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
  landing_pads_.merge(find_landing_pads(image));
  // Constructors and destructors are called through these arrays, some of them unnamed or
  // untyped (glibc's load_gp in .preinit_array): each word is a legal indirect-call target.
  for (const ElfSection& s : image.sections()) {
    if (s.name != ".preinit_array" && s.name != ".init_array" && s.name != ".fini_array") continue;
    for (uint64_t a = s.addr; a + 8 <= s.addr + s.size; a += 8)
      if (uint64_t target = 0; image.read(a, &target, 8) == 8 && is_code(target))
        entries_.insert(target);
  }
}

bool ImageFacts::in_unwinder(uint64_t pc) const {
  const FunctionInfo* f = function_at(pc);
  return f != nullptr && is_unwinder_function(f->name);
}

bool ImageFacts::in_program(uint64_t addr) const {
  return program() != nullptr && program()->covers(addr);
}

size_t ImageFacts::read(uint64_t addr, void* out, size_t n) const {
  for (const ElfImage* image : images_)
    if (const size_t got = image->read(addr, out, n)) return got;
  return 0;
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
  uint32_t bits = 0;
  if (read(pc, &bits, 4) < 2) return false;
  out = decode(bits);
  return true;
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
    auto next_start = std::upper_bound(starts.begin(), starts.end(), lo);
    for (uint64_t pc = lo; pc + 2 <= hi;) {
      while (next_start != starts.end() && *next_start <= pc) {
        if (*next_start < pc) pc = *next_start;  // the sweep overran a function start
        ++next_start;
      }
      // The range's own bytes only (a section's code ends at hi), and only what the file holds.
      uint32_t bits = 0;
      if (read(pc, &bits, std::min<uint64_t>(4, hi - pc)) < 2) break;
      const DecodedInsn d = decode(bits);
      const uint8_t rd = d.arch_rd();
      if ((d.op == Op::jal || d.op == Op::jalr) && (rd == 1 || rd == 5))
        return_sites_.insert(pc + d.len);
      pc += d.len;
    }
  }
}

}  // namespace unitag::tags
