// Parsing of human-friendly sizes ("128M", "1GiB", "4096") for command-line flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace unitag {

// Bytes for "N", "NK", "NM", "NG" (optionally followed by "iB" or "B"; powers of 1024).
std::optional<uint64_t> parse_size(const std::string& text);

}  // namespace unitag
