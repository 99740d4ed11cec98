#include "tags/engine/system_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "machine/bus/guest_memory.h"

namespace unitag::tags {
namespace {

// [lowest address, highest end) over an image's loadable segments.
std::pair<uint64_t, uint64_t> span_of(const ElfImage& image) {
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (const ElfSegment& s : image.segments()) {
    lo = std::min(lo, s.vaddr);
    hi = std::max(hi, s.vaddr + s.memsz);
  }
  return {lo, hi};
}

// Bytes compared to tell which program a user page holds: enough that two static programs
// sharing a libc function at one address but differing around it are told apart.
constexpr uint64_t kMatchBytes = 32;
constexpr uint64_t kPageSize = uint64_t{1} << Bus::kPageBits;

}  // namespace

SystemLayout::SystemLayout(const ElfImage* firmware, const ElfImage& kernel, uint64_t kernel_load,
                           std::vector<const ElfImage*> programs)
    : kernel_load_(kernel_load), programs_(std::move(programs)) {
  const auto [link, end] = span_of(kernel);
  if (link >> 63 == 0)
    throw std::invalid_argument(fmt::format(
        "{}: its code is linked at 0x{:x}, not in the upper half: give the kernel's vmlinux "
        "(the ELF the Image was made from)",
        kernel.path(), link));
  kernel_link_ = link;
  kernel_size_ = end - link;
  images_.push_back({&kernel, PlacedImage::Role::kKernel, 0, "kernel", false});
  const auto init_begin = kernel.symbol_address("__init_begin");
  const auto init_end = kernel.symbol_address("__init_end");
  if (init_begin && init_end && *init_begin < *init_end) {
    init_begin_ = *init_begin;
    init_end_ = *init_end;
  }
  const auto vdso_start = kernel.symbol_address("vdso_start");
  const auto vdso_end = kernel.symbol_address("vdso_end");
  if (vdso_start && vdso_end && *vdso_start < *vdso_end) {
    std::vector<uint8_t> bytes(*vdso_end - *vdso_start);
    try {
      if (kernel.read(*vdso_start, bytes.data(), bytes.size()) == bytes.size())
        vdso_ = std::make_unique<ElfImage>(
            ElfImage::parse(std::move(bytes), "vDSO", ElfImage::ElfKind::kExecutableOrShared));
    } catch (const std::exception&) {
      vdso_.reset();  // not an ELF: user code there counts as unknown
    }
    if (vdso_) {
      vdso_link_ = *vdso_start;
      vdso_size_ = *vdso_end - *vdso_start;
      images_.push_back({vdso_.get(), PlacedImage::Role::kVdso, kVdsoBias, "vDSO", false});
    }
  }
  if (firmware != nullptr) {
    std::tie(firmware_start_, firmware_end_) = span_of(*firmware);
    images_.push_back({firmware, PlacedImage::Role::kFirmware, 0, "firmware", false});
    images_.back().trusted = !firmware->has_symbol_table();
  }
  for (size_t k = 0; k < programs_.size(); ++k)
    images_.push_back({programs_[k], PlacedImage::Role::kProgram, program_bias(k),
                       "process " + std::filesystem::path(programs_[k]->path()).filename().string(),
                       false});
}

SystemLayout::~SystemLayout() = default;

uint64_t SystemLayout::fact_address(bool user, uint64_t pc, uint64_t paddr, const Bus& bus) const {
  const uint64_t vdso_load = kernel_load_ + (vdso_link_ - kernel_link_);
  if (vdso_ && paddr - vdso_load < vdso_size_) return kVdsoBias + (paddr - vdso_load);
  if (!user) {
    if (paddr - kernel_load_ < kernel_size_) return kernel_link_ + (paddr - kernel_load_);
    if (paddr >= firmware_start_ && paddr < firmware_end_) return paddr;
    return kUnknownCode | paddr;
  }
  // A user page: the program whose file holds the same bytes at this virtual address.
  const uint64_t n = std::min(kMatchBytes, kPageSize - (paddr & (kPageSize - 1)));
  uint8_t here[kMatchBytes];
  if (bus.in_ram(paddr, n)) {
    guest_memory::read(here, bus.ram() + (paddr - Bus::kRamBase), n);
    for (size_t k = 0; k < programs_.size(); ++k) {
      uint8_t file[kMatchBytes];
      const size_t got = programs_[k]->read(pc, file, n);
      if (got >= 2 && std::memcmp(file, here, got) == 0) return pc + program_bias(k);
    }
  }
  return kUnknownCode | paddr;
}

std::optional<uint64_t> SystemLayout::physical(uint64_t fact) const {
  if (vdso_ && fact - kVdsoBias < vdso_size_)
    return kernel_load_ + (vdso_link_ - kernel_link_) + (fact - kVdsoBias);
  if (fact - kernel_link_ < kernel_size_) {
    if (fact >= init_begin_ && fact < init_end_) return std::nullopt;
    return kernel_load_ + (fact - kernel_link_);
  }
  if (fact >= firmware_start_ && fact < firmware_end_) return fact;
  return std::nullopt;
}

}  // namespace unitag::tags
