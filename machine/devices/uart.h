// NS16550A UART at 0x1000_0000 (QEMU `virt`): transmit to a host stream, receive from a host
// file descriptor. Polled (LSR: data-ready, transmitter-empty) or by interrupt: IER's receive
// and transmitter-empty interrupts drive one line (PLIC source 10 on virt), IIR names the cause.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "machine/bus/bus.h"
#include "machine/devices/output_limit.h"

namespace unitag {

class Uart final : public Device {
 public:
  static constexpr uint64_t kBase = 0x10000000, kSize = 0x100;
  // `limit` (may be null: no limit) caps what the guest sends to `out`.
  Uart(std::FILE* out, int in_fd, OutputLimit* limit = nullptr)
      : out_(out), in_fd_(in_fd), limit_(limit) {}
  ~Uart() override;
  std::string_view name() const override { return "uart"; }
  bool read(uint64_t offset, unsigned size, uint64_t& value, unsigned hart) override;
  bool write(uint64_t offset, unsigned size, uint64_t value, unsigned hart) override;
  void flush();

  // Host-side console access for services such as semihosting, so their output interleaves
  // with the guest's UART output and their input comes from the same source.
  void write_console(const void* data, size_t size, unsigned hart);
  enum class Input { kByte, kEmpty, kEnd };
  // Takes one received byte without blocking: kEmpty when none has arrived yet, kEnd at EOF.
  Input receive(uint8_t& byte);
  // The interrupt line: called with its level whenever it may have changed (also from the
  // input thread when bytes arrive). Set before the run.
  void connect_irq(std::function<void(bool)> line);
  // The receive interrupt is on and input has not ended, so it may still come (deadlock
  // detection). Takes no lock but the input's, so callers may hold their own.
  bool input_may_arrive();

 private:
  // Bytes read from the host. Shared with the reader thread, which may outlive the Uart (it
  // blocks in read() and is detached), so it owns a reference of its own. The reader stops
  // reading while kWindow bytes wait, so endless input (--uart-in /dev/zero) to a guest that
  // does not read it costs no host memory.
  struct HostInput {
    static constexpr size_t kWindow = 64 * 1024;
    std::mutex mu;
    std::condition_variable room;  // bytes were taken, or the Uart is gone
    std::deque<unsigned char> bytes;
    bool eof = false;
    bool closed = false;  // the Uart is gone: the reader stops
    int file = -1;        // a regular file, read on demand (no reader thread)
    void read_file();     // refills `bytes` from `file` once they are all taken (mu held)
    // Called (under notify_mu, never under mu) after bytes arrive; cleared by ~Uart.
    std::mutex notify_mu;
    std::function<void()> notify;
  };
  uint8_t interrupt_id();  // IIR's low bits: 0x04 receive, 0x02 transmitter empty, 0x01 none
  void update_irq();       // callers hold mu_
  void start_reader();
  // Takes one byte of input if there is one; `eof` tells whether the input has ended.
  bool take_input(unsigned char& byte, bool& eof);
  bool has_input();
  std::FILE* out_;
  int in_fd_;
  OutputLimit* limit_;
  std::mutex mu_;
  std::shared_ptr<HostInput> input_ = std::make_shared<HostInput>();
  bool reader_started_ = false;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
  bool fifo_enabled_ = false;
  std::atomic<bool> receive_enabled_{false};  // IER's bit, read without mu_ (lock order)
  bool thr_interrupt_ = false;  // transmitter-empty interrupt pending (cleared by IIR or THR)
  std::function<void(bool)> irq_;
  bool unflushed_ = false;       // output written since the last flush
  bool polling_status_ = false;  // the previous access read LSR too: the guest waits for input
};

}  // namespace unitag
