#include "tools/unitag/debug/rsp.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace unitag {

RspConnection::~RspConnection() { ::close(fd_); }

bool RspConnection::fill(int timeout_ms) {
  if (closed_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeout_ms);
  if (ready <= 0) return false;
  char chunk[4096];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    if (n < 0 && errno == EINTR) return false;
    closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

void RspConnection::write_all(std::string_view bytes) {
  while (!bytes.empty() && !closed_) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      closed_ = true;
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

std::optional<std::string> RspConnection::read_packet() {
  for (;;) {
    // Drop acknowledgements and noise before a packet start.
    size_t i = 0;
    while (i < buffer_.size() && buffer_[i] != '$' && buffer_[i] != '\x03') ++i;
    buffer_.erase(0, i);
    if (!buffer_.empty() && buffer_[0] == '\x03') {
      buffer_.erase(0, 1);
      return std::string("\x03");
    }
    const size_t hash = buffer_.find('#');
    if (!buffer_.empty() && hash != std::string::npos && buffer_.size() >= hash + 3) {
      std::string payload = buffer_.substr(1, hash - 1);
      const auto sum = parse_hex(std::string_view(buffer_).substr(hash + 1, 2));
      buffer_.erase(0, hash + 3);
      if (!no_ack_) {
        if (!sum || *sum != rsp_checksum(payload)) {
          write_all("-");
          continue;
        }
        write_all("+");
      }
      return payload;
    }
    if (!fill(-1) && closed_) return std::nullopt;
  }
}

bool RspConnection::interrupt_requested() {
  while (fill(0)) {
  }
  const size_t at = buffer_.find('\x03');
  if (at == std::string::npos) return false;
  buffer_.erase(at, 1);
  return true;
}

void RspConnection::send(std::string_view payload) {
  const std::string packet = fmt::format("${}#{:02x}", payload, rsp_checksum(payload));
  for (int attempt = 0; attempt < 5; ++attempt) {
    write_all(packet);
    if (no_ack_) return;
    // Wait for gdb's '+' ('-' asks for the packet again).
    for (;;) {
      if (buffer_.empty() && !fill(5000)) return;
      const char c = buffer_[0];
      if (c == '+') {
        buffer_.erase(0, 1);
        return;
      }
      if (c == '-') {
        buffer_.erase(0, 1);
        break;
      }
      return;  // something else (a new packet): treat as acknowledged
    }
  }
}

void RspConnection::send_console(std::string_view text) {
  std::string payload = hex_encode(text);
  payload.insert(payload.begin(), 'O');
  send(payload);
}

uint8_t rsp_checksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string hex_encode(const void* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto* p = static_cast<const uint8_t*>(data);
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string hex_encode(std::string_view text) { return hex_encode(text.data(), text.size()); }

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::vector<uint8_t>> hex_decode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string hex_le(uint64_t value, unsigned bytes) { return hex_encode(&value, bytes); }

std::optional<uint64_t> parse_hex_le(std::string_view hex) {
  const auto bytes = hex_decode(hex);
  if (!bytes || bytes->size() > 8) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = 0; i < bytes->size(); ++i) v |= uint64_t{(*bytes)[i]} << (8 * i);
  return v;
}

std::optional<uint64_t> parse_hex(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    const int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

std::string rsp_escape(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (char c : data) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out += '}';
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

std::string rsp_unescape(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '}' && i + 1 < data.size())
      out += static_cast<char>(data[++i] ^ 0x20);
    else
      out += data[i];
  }
  return out;
}

}  // namespace unitag
