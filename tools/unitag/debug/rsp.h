// The GDB Remote Serial Protocol on one TCP connection: packet framing ($data#checksum),
// acknowledgements (until QStartNoAckMode), the Ctrl-C byte, and the hex/binary encodings.
// It knows nothing of what the packets mean; gdb_server.cpp does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unitag {

class RspConnection {
 public:
  explicit RspConnection(int fd) : fd_(fd) {}
  ~RspConnection();
  RspConnection(const RspConnection&) = delete;
  RspConnection& operator=(const RspConnection&) = delete;

  // Blocks for the next packet's payload; a Ctrl-C byte arrives as "\x03". nullopt: gdb hung up.
  std::optional<std::string> read_packet();
  // Without blocking: whether gdb sent Ctrl-C (consumed) or hung up (`closed()`).
  bool interrupt_requested();
  bool closed() const { return closed_; }
  void send(std::string_view payload);
  // Console output shown by gdb (an 'O' packet), e.g. a violation report or monitor output.
  void send_console(std::string_view text);
  void set_no_ack() { no_ack_ = true; }

 private:
  bool fill(int timeout_ms);  // reads what is available into buffer_; false on hang-up/timeout
  void write_all(std::string_view bytes);

  int fd_;
  std::string buffer_;
  bool no_ack_ = false;
  bool closed_ = false;
};

uint8_t rsp_checksum(std::string_view payload);
std::string hex_encode(const void* data, size_t size);
std::string hex_encode(std::string_view text);
// Decodes pairs of hex digits; nullopt when the text is not hex.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view hex);
// Registers travel as little-endian byte strings in hex.
std::string hex_le(uint64_t value, unsigned bytes);
std::optional<uint64_t> parse_hex_le(std::string_view hex);
std::optional<uint64_t> parse_hex(std::string_view hex);  // a big-endian hex number ("80001000")
// Binary data (X packets, qXfer replies): '}' escapes '#', '$', '}' and '*' as byte ^ 0x20.
std::string rsp_escape(std::string_view data);
std::string rsp_unescape(std::string_view data);

}  // namespace unitag
