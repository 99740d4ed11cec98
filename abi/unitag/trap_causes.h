/* Names of the RISC-V synchronous exception causes (privileged spec, mcause with the interrupt
 * bit clear), so the machine's messages and the library OS's panics word them the same way.
 * Plain C so guest and host share it. */
#ifndef UNITAG_ABI_TRAP_CAUSES_H
#define UNITAG_ABI_TRAP_CAUSES_H

#include <stdint.h>

#include "tag_contract.h"

static inline const char* unitag_exception_name(uint64_t cause) {
  static const char* const names[16] = {"instruction address misaligned",
                                        "instruction access fault",
                                        "illegal instruction",
                                        "breakpoint",
                                        "load address misaligned",
                                        "load access fault",
                                        "store/AMO address misaligned",
                                        "store/AMO access fault",
                                        "environment call from U-mode",
                                        "environment call from S-mode",
                                        "reserved exception",
                                        "environment call from M-mode",
                                        "instruction page fault",
                                        "load page fault",
                                        "reserved exception",
                                        "store/AMO page fault"};
  if (cause == UNITAG_TAG_VIOLATION_CAUSE) return "tag policy violation";
  return cause < 16 ? names[cause] : "reserved exception";
}

#endif
