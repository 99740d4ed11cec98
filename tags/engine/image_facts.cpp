#include "tags/engine/image_facts.h"

#include <algorithm>

#include "machine/isa/decoder.h"
#include "tags/engine/landing_pads.h"

namespace unitag::tags {

std::vector<PlacedImage> ImageFacts::placed(const ElfImage& image, const ElfImage* program) {
  std::vector<PlacedImage> images{{&image, PlacedImage::Role::kMain, 0, {}, false}};
  if (program != nullptr) images.push_back({program, PlacedImage::Role::kProgram, 0, {}, false});
  return images;
}

ImageFacts::ImageFacts(const ElfImage& image, const ElfImage* program)
    : ImageFacts(placed(image, program)) {}

ImageFacts::ImageFacts(std::vector<PlacedImage> images) : images_(std::move(images)) {
  for (const PlacedImage& i : images_) add_code_and_functions(i);
  std::sort(functions_.begin(), functions_.end(),
            [](const FunctionInfo& a, const FunctionInfo& b) { return a.start < b.start; });
  // A name both images define (malloc in the personality and in glibc) finds the program's,
  // which sits at the lower addresses.
  for (size_t i = 0; i < functions_.size(); ++i) {
    functions_[i].index = static_cast<uint32_t>(i + 1);
    by_name_.emplace(functions_[i].name, i);
  }
  find_return_sites();
  for (const PlacedImage& i : images_)
    if (i.role == PlacedImage::Role::kKernel) find_linkage_returns(i);
}

// Linux's RISC-V entry code returns through labels no call precedes: handle_exception sets
// `ra = ret_from_exception` before it jumps to a C handler (whose `ret` then goes there), and
// copy_thread stores ret_from_fork (ret_from_kernel_thread for a kernel thread) as a new task's
// saved ra, so __switch_to's `ret` starts the task there. These are return sites by convention,
// and the auipc/addi pairs that compute them make return addresses. Any other computed return
// address stays a violation.
namespace {
constexpr const char* kLinuxLinkageReturns[] = {"ret_from_exception", "ret_from_fork",
                                                "ret_from_kernel_thread"};
}  // namespace

void ImageFacts::find_linkage_returns(const PlacedImage& kernel) {
  std::unordered_set<uint64_t> targets;
  for (const char* name : kLinuxLinkageReturns)
    if (const auto a = kernel.elf->symbol_address(name)) targets.insert(*a + kernel.bias);
  return_sites_.insert(targets.begin(), targets.end());
  for (const auto& [lo, hi] : code_) {
    if (!kernel.covers(lo)) continue;
    uint8_t auipc_rd = 0;
    uint64_t auipc_value = 0, next_pc = 0;  // the auipc's result, and the pc right after it
    uint64_t after_table_load = 0;          // the pc after `ld t0, k(t0)`
    constexpr uint8_t kT0 = 5;
    for (uint64_t pc = lo; pc + 2 <= hi;) {
      uint32_t bits = 0;
      if (read(pc, &bits, std::min<uint64_t>(4, hi - pc)) < 2) break;
      const DecodedInsn d = decode(bits);
      if (d.op == Op::ld && d.arch_rd() == kT0 && d.rs1 == kT0) after_table_load = pc + d.len;
      if (d.op == Op::jalr && d.arch_rd() == 0 && d.rs1 == kT0 && d.imm == 0 &&
          pc == after_table_load)
        dispatch_jumps_.insert(pc);
      if (d.op == Op::auipc) {
        auipc_rd = d.arch_rd();
        auipc_value = pc + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
        next_pc = pc + d.len;
      } else if (d.op == Op::addi && pc == next_pc && d.arch_rd() == auipc_rd &&
                 d.rs1 == auipc_rd &&
                 targets.count(auipc_value + static_cast<uint64_t>(static_cast<int64_t>(d.imm)))) {
        linkage_makers_.insert(pc);
      }
      pc += d.len;
    }
  }
}

void ImageFacts::add_code_and_functions(const PlacedImage& placed) {
  const ElfImage& image = *placed.elf;
  const uint64_t bias = placed.bias;
  const size_t first = code_.size();
  for (const ElfSection& s : image.sections())
    if (s.alloc && s.executable && s.size)
      code_.emplace_back(s.addr + bias, s.addr + bias + s.size);
  if (code_.size() == first)  // stripped section headers: fall back to executable segments
    for (const ElfSegment& s : image.segments())
      if (s.executable) code_.emplace_back(s.vaddr + bias, s.vaddr + bias + s.memsz);
  std::sort(code_.begin(), code_.end());
  for (const ElfSymbol& s : image.symbols()) {
    const uint64_t at = s.value + bias;
    if (!is_code(at)) continue;
    if (s.is_function || s.is_global) entries_.insert(at);
    if (!s.is_function) continue;
    functions_.push_back(FunctionInfo{s.name, at, at + std::max<uint64_t>(s.size, 2), 0});
  }
  if (placed.role != PlacedImage::Role::kVdso) entries_.insert(image.entry() + bias);
  for (const uint64_t pad : find_landing_pads(image)) landing_pads_.insert(pad + bias);
  // Constructors and destructors are called through these arrays, some of them unnamed or
  // untyped (glibc's load_gp in .preinit_array): each word is a legal indirect-call target.
  for (const ElfSection& s : image.sections()) {
    if (s.name != ".preinit_array" && s.name != ".init_array" && s.name != ".fini_array") continue;
    for (uint64_t a = s.addr; a + 8 <= s.addr + s.size; a += 8)
      if (uint64_t target = 0; image.read(a, &target, 8) == 8 && is_code(target + bias))
        entries_.insert(target + bias);
  }
}

bool ImageFacts::in_unwinder(uint64_t pc) const {
  const FunctionInfo* f = function_at(pc);
  return f != nullptr && is_unwinder_function(f->name);
}

const ElfImage* ImageFacts::program() const {
  for (const PlacedImage& i : images_)
    if (i.role == PlacedImage::Role::kProgram) return i.elf;
  return nullptr;
}

const PlacedImage* ImageFacts::image_at(uint64_t addr) const {
  for (const PlacedImage& i : images_)
    if (i.covers(addr)) return &i;
  return nullptr;
}

bool ImageFacts::in_program(uint64_t addr) const {
  const PlacedImage* i = image_at(addr);
  return i != nullptr && i->role == PlacedImage::Role::kProgram;
}

bool ImageFacts::in_trusted_image(uint64_t addr) const {
  const PlacedImage* i = image_at(addr);
  return i != nullptr && i->trusted;
}

size_t ImageFacts::read(uint64_t addr, void* out, size_t n) const {
  for (const PlacedImage& i : images_)
    if (addr >= i.bias)
      if (const size_t got = i.elf->read(addr - i.bias, out, n)) return got;
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

std::vector<const FunctionInfo*> ImageFacts::functions_named(const std::string& name) const {
  std::vector<const FunctionInfo*> out;
  for (const FunctionInfo& f : functions_)
    if (f.name == name) out.push_back(&f);
  return out;
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
