#include "machine/devices/uart.h"

#include <sys/stat.h>
#include <unistd.h>

namespace unitag {
namespace {
constexpr unsigned kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6,
                   kScr = 7;
constexpr uint8_t kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kLsrTxEmpty = 0x40;
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kIerReceive = 0x01, kIerTransmitEmpty = 0x02;
constexpr uint8_t kIirNone = 0x01, kIirTransmitEmpty = 0x02, kIirReceive = 0x04, kIirFifos = 0xc0;
}  // namespace

Uart::~Uart() {
  {
    std::lock_guard<std::mutex> lock(input_->notify_mu);
    input_->notify = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(input_->mu);
    input_->closed = true;
  }
  input_->room.notify_all();
  flush();
}

void Uart::connect_irq(std::function<void(bool)> line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    irq_ = std::move(line);
  }
  // Lock order: notify_mu, then mu_, then the input's mu (the input thread's order).
  std::lock_guard<std::mutex> notify_lock(input_->notify_mu);
  input_->notify = [this] {
    std::lock_guard<std::mutex> uart_lock(mu_);
    update_irq();
  };
}

bool Uart::input_may_arrive() {
  if (!receive_enabled_.load(std::memory_order_relaxed)) return false;
  std::lock_guard<std::mutex> lock(input_->mu);
  return !input_->bytes.empty() || !input_->eof;
}

// Receive data outranks an empty transmitter (16550 priorities; line status and modem status
// interrupts never occur here). Data counts as soon as one byte waits, whatever the FIFO
// trigger level.
uint8_t Uart::interrupt_id() {
  if ((ier_ & kIerReceive) && has_input()) return kIirReceive;
  if ((ier_ & kIerTransmitEmpty) && thr_interrupt_) return kIirTransmitEmpty;
  return kIirNone;
}

void Uart::update_irq() {
  if (irq_) irq_(interrupt_id() != kIirNone);
}

void Uart::flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (out_) std::fflush(out_);
}

// Input is read by a detached thread on first use so a guest that never reads does not block
// on (or consume) the host's stdin.
void Uart::start_reader() {
  reader_started_ = true;
  if (in_fd_ < 0) {
    std::lock_guard<std::mutex> lock(input_->mu);
    input_->eof = true;
    return;
  }
  // A regular file is read when the guest looks, without a thread: its bytes are there at once,
  // so a --deterministic run reads the same input at the same instruction every time.
  if (struct stat st{}; ::fstat(in_fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    std::lock_guard<std::mutex> lock(input_->mu);
    input_->file = in_fd_;
    return;
  }
  std::thread([input = input_, fd = in_fd_] {
    unsigned char buf[256];
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(input->mu);
        input->room.wait(lock,
                         [&] { return input->closed || input->bytes.size() < HostInput::kWindow; });
        if (input->closed) return;
      }
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      {
        std::lock_guard<std::mutex> lock(input->mu);
        input->bytes.insert(input->bytes.end(), buf, buf + n);
      }
      std::lock_guard<std::mutex> lock(input->notify_mu);
      if (input->notify) input->notify();
    }
    std::lock_guard<std::mutex> lock(input->mu);
    input->eof = true;
  }).detach();
}

void Uart::HostInput::read_file() {
  if (file < 0 || eof || !bytes.empty()) return;
  unsigned char buf[4096];
  const ssize_t n = ::read(file, buf, sizeof buf);
  if (n <= 0)
    eof = true;
  else
    bytes.insert(bytes.end(), buf, buf + n);
}

bool Uart::has_input() {
  if (!reader_started_) start_reader();
  std::lock_guard<std::mutex> lock(input_->mu);
  input_->read_file();
  return !input_->bytes.empty();
}

bool Uart::take_input(unsigned char& byte, bool& eof) {
  if (!reader_started_) start_reader();
  std::lock_guard<std::mutex> lock(input_->mu);
  input_->read_file();
  eof = input_->eof;
  if (input_->bytes.empty()) return false;
  byte = input_->bytes.front();
  input_->bytes.pop_front();
  if (input_->bytes.size() == HostInput::kWindow - 1) input_->room.notify_one();
  return true;
}

bool Uart::read(uint64_t offset, unsigned size, uint64_t& value, unsigned) {
  if (size != 1) return false;
  std::lock_guard<std::mutex> lock(mu_);
  // A guest that reads input (or keeps polling the status for it) should first have its prompt
  // shown; a guest that only writes keeps the output buffered.
  const bool waiting = offset == kRbrThr || (offset == kLsr && polling_status_);
  if (waiting && unflushed_ && out_) {
    std::fflush(out_);
    unflushed_ = false;
  }
  polling_status_ = offset == kLsr;
  switch (offset) {
    case kRbrThr:
      if (lcr_ & kLcrDlab)
        value = dll_;
      else {
        unsigned char byte = 0;
        bool eof;
        value = take_input(byte, eof) ? byte : 0;
        update_irq();
      }
      return true;
    case kIer:
      value = (lcr_ & kLcrDlab) ? dlm_ : ier_;
      return true;
    case kIirFcr: {
      const uint8_t id = interrupt_id();
      value = id | (fifo_enabled_ ? kIirFifos : 0);
      if (id == kIirTransmitEmpty) {  // reading it acknowledges the transmitter interrupt
        thr_interrupt_ = false;
        update_irq();
      }
      return true;
    }
    case kLcr:
      value = lcr_;
      return true;
    case kMcr:
      value = mcr_;
      return true;
    case kLsr:
      value = kLsrThrEmpty | kLsrTxEmpty | (has_input() ? kLsrDataReady : 0);
      return true;
    case kMsr:
      value = 0xb0;
      return true;  // CTS, DSR, DCD
    case kScr:
      value = scr_;
      return true;
    default:
      value = 0;
      return true;
  }
}

bool Uart::write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) {
  if (size != 1) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const uint8_t v = static_cast<uint8_t>(value);
  switch (offset) {
    case kRbrThr:
      if (lcr_ & kLcrDlab)
        dll_ = v;
      else {
        if (out_ && (!limit_ || limit_->admit(1, hart) == 1)) {
          std::fputc(v, out_);
          unflushed_ = true;
        }
        thr_interrupt_ = true;  // sent at once: the holding register is empty again
        update_irq();
      }
      polling_status_ = false;
      return true;
    case kIer:
      if (lcr_ & kLcrDlab) {
        dlm_ = v;
        return true;
      }
      // Turning the transmitter interrupt on raises it while the register is empty (as QEMU).
      if ((ier_ ^ v) & kIerTransmitEmpty) thr_interrupt_ = v & kIerTransmitEmpty;
      if ((v & kIerReceive) && !reader_started_) start_reader();
      ier_ = v & 0x0f;
      receive_enabled_ = v & kIerReceive;
      update_irq();
      return true;
    case kIirFcr:
      fifo_enabled_ = v & 1;
      return true;
    case kLcr:
      lcr_ = v;
      return true;
    case kMcr:
      mcr_ = v;
      return true;
    case kScr:
      scr_ = v;
      return true;
    default:
      return true;
  }
}

void Uart::write_console(const void* data, size_t size, unsigned hart) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_ || size == 0) return;
  if (limit_) size = static_cast<size_t>(limit_->admit(size, hart));
  std::fwrite(data, 1, size, out_);
  unflushed_ = true;
}

Uart::Input Uart::receive(uint8_t& byte) {
  std::lock_guard<std::mutex> lock(mu_);
  if (unflushed_ && out_) {  // a guest reading input should have its prompt shown first
    std::fflush(out_);
    unflushed_ = false;
  }
  unsigned char b;
  bool eof;
  if (take_input(b, eof)) {
    byte = b;
    return Input::kByte;
  }
  return eof ? Input::kEnd : Input::kEmpty;
}

}  // namespace unitag
