// The CSR file as one table: a row per CSR (or contiguous range, such as pmpaddr0-63) saying who
// may access it, how it reads and writes, and which bits a write can change. Hart::csr_read,
// csr_write and csr_access dispatch through it; the gdb stub names CSRs from it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "machine/hart/csr.h"

namespace unitag {

class Hart;

struct CsrRow {
  const char* name;      // a range's name ends in the index of its first CSR: "pmpaddr0"
  uint16_t first, last;  // CSR numbers; last == first for a single CSR
  Priv priv;             // least privilege that may access it (the number's bits 9:8)
  // Whether the CSR exists right now (FS off, mcounteren, odd pmpcfg); nullptr: always.
  bool (*available)(const Hart&, uint16_t number);
  uint64_t (*read)(Hart&, uint16_t number);
  // nullptr for read-only CSRs (number bits 11:10 == 0b11). Receives only the `writable` bits.
  void (*write)(Hart&, uint16_t number, uint64_t value);
  uint64_t writable;  // WARL mask: bits a write can change; the others keep their value
};

std::span<const CsrRow> csr_rows();
// The row that holds CSR `number`, or nullptr when no such CSR is implemented.
const CsrRow* find_csr(uint16_t number);
// "mstatus", "pmpaddr5", ...; empty when no such CSR is implemented.
std::string csr_name(uint16_t number);

}  // namespace unitag
