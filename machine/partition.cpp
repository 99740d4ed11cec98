#include "machine/partition.h"

#include <fmt/format.h>

#include <bit>

#include "abi/unitag/bootinfo.h"
#include "machine/errors.h"

namespace unitag {

std::string format_hart_set(uint64_t mask) {
  std::string out;
  for (unsigned h = 0; h < 64; ++h) {
    if (!(mask >> h & 1)) continue;
    unsigned last = h;
    while (last + 1 < 64 && (mask >> (last + 1) & 1)) ++last;
    if (!out.empty()) out += ',';
    out += last == h ? fmt::format("{}", h) : fmt::format("{}-{}", h, last);
    h = last;
  }
  return out;
}

bool parse_hart_set(const std::string& text, unsigned harts, uint64_t& mask, std::string& error) {
  mask = 0;
  size_t pos = 0;
  auto number = [&](unsigned& out) {
    size_t digits = 0;
    out = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 3) {
      out = out * 10 + unsigned(text[pos++] - '0');
      ++digits;
    }
    return digits > 0;
  };
  while (true) {
    unsigned lo = 0, hi = 0;
    if (!number(lo)) {
      error = fmt::format("'{}' is not a hart set; write e.g. 0-1 or 0,2", text);
      return false;
    }
    hi = lo;
    if (pos < text.size() && text[pos] == '-') {
      ++pos;
      if (!number(hi) || hi < lo) {
        error = fmt::format("'{}' has a bad hart range; write LOW-HIGH, e.g. 2-3", text);
        return false;
      }
    }
    if (hi >= harts) {
      error = fmt::format("hart {} does not exist (--harts {})", hi, harts);
      return false;
    }
    for (unsigned h = lo; h <= hi; ++h) mask |= uint64_t{1} << h;
    if (pos == text.size()) return true;
    if (text[pos] != ',') {
      error = fmt::format("'{}' is not a hart set; write e.g. 0-1 or 0,2", text);
      return false;
    }
    ++pos;
  }
}

PartitionLayout PartitionLayout::plan(const std::vector<PartitionSpec>& specs, unsigned harts,
                                      uint64_t ram_size, uint64_t channel_size, unsigned elastic) {
  constexpr uint64_t kAlign = 1ull << 20;
  const size_t slots = specs.size() + elastic;
  if (slots > UNITAG_MAX_PARTITIONS)
    throw UserError(exit_code::kUsage,
                    fmt::format("{} partitions given (with --elastic); at most {} are supported",
                                slots, UNITAG_MAX_PARTITIONS));
  uint64_t seen = 0;
  for (size_t p = 0; p < specs.size(); ++p) {
    const uint64_t m = specs[p].harts;
    if (m == 0) throw UserError(exit_code::kUsage, fmt::format("--partition {} has no harts", p));
    if (harts < 64 && (m >> harts) != 0)
      throw UserError(exit_code::kUsage,
                      fmt::format("--partition {} names harts {}, but the machine has {} (--harts)",
                                  p, format_hart_set(m), harts));
    if (m & seen)
      throw UserError(exit_code::kUsage,
                      fmt::format("--partition {} shares harts {} with an earlier partition; each "
                                  "hart belongs to at most one partition",
                                  p, format_hart_set(m & seen)));
    seen |= m;
  }
  if (channel_size % kAlign != 0 || channel_size == 0)
    throw UserError(exit_code::kUsage, "--channel-mem must be a non-zero multiple of 1M (e.g. 4M)");
  const uint64_t per = slots == 0 || channel_size >= ram_size
                           ? 0
                           : (ram_size - channel_size) / slots / kAlign * kAlign;
  if (per < 4 * kAlign)
    throw UserError(
        exit_code::kUsage,
        fmt::format("{} partitions and {} MiB of channel memory do not fit in {} MiB of RAM with "
                    "at least 4 MiB each; give a larger --mem",
                    slots, channel_size >> 20, ram_size >> 20));
  PartitionLayout layout;
  for (size_t p = 0; p < slots; ++p) {
    PartitionWindow w;
    w.index = static_cast<int>(p);
    w.size = per;
    w.phys_base = PartitionWindow::kGuestBase + p * per;
    w.channel_base = PartitionWindow::kGuestBase + ram_size - channel_size;
    w.channel_size = channel_size;
    layout.windows_.push_back(w);
    layout.masks_.push_back(p < specs.size() ? specs[p].harts : 0);
  }
  return layout;
}

int PartitionLayout::partition_of(unsigned hart) const {
  for (size_t p = 0; p < masks_.size(); ++p)
    if (masks_[p] >> hart & 1) return static_cast<int>(p);
  return -1;
}

std::string describe_partition(size_t p, uint64_t harts) {
  return fmt::format("partition {} (hart{} {})", p, std::popcount(harts) == 1 ? "" : "s",
                     format_hart_set(harts));
}

}  // namespace unitag
