// Decoder and disassembler on arbitrary 16- and 32-bit words: every word decodes to a sane
// instruction, a decoded 32-bit word matches its table entry, and a compressed word decodes
// exactly like the 32-bit instruction it expands to.
#include "machine/isa/decoder.h"
#include "machine/isa/rvc.h"
#include "tests/fuzz/fuzz_targets.h"

namespace unitag::fuzz {

namespace {

void check_one(uint32_t word, bool fp) {
  const DecodedInsn d = decode(word, DecodeOptions{.fp = fp});
  FUZZ_CHECK(static_cast<size_t>(d.op) < static_cast<size_t>(Op::kCount));
  FUZZ_CHECK(d.op != Op::kUndecoded && d.op != Op::kPageEnd);
  FUZZ_CHECK(d.len == insn_length(word));
  FUZZ_CHECK(d.rd <= kZeroSink && d.rs1 < 32 && d.rs2 < 32 && d.rs3 < 32);
  FUZZ_CHECK(!disassemble(d, 0x80000000).empty());
  if (d.op == Op::kIllegal) return;
  if (d.len == 4) {
    const InsnInfo& info = insn_info(d.op);
    FUZZ_CHECK((word & info.mask) == info.match);
    FUZZ_CHECK(d.raw == word);
    return;
  }
  const uint16_t c = static_cast<uint16_t>(word);
  FUZZ_CHECK(d.raw == c);
  const uint32_t expanded = expand_compressed(c, fp);
  FUZZ_CHECK(expanded != 0 && insn_length(expanded) == 4);
  const DecodedInsn e = decode(expanded, DecodeOptions{.fp = fp});
  FUZZ_CHECK(e.op == d.op && e.rd == d.rd && e.rs1 == d.rs1 && e.rs2 == d.rs2 && e.rs3 == d.rs3 &&
             e.imm == d.imm && e.rm == d.rm);
}

}  // namespace

int decoder(const uint8_t* data, size_t size) {
  Input in(data, size);
  while (in.left() > 0) {
    const uint32_t word = in.take<uint32_t>();
    for (const bool fp : {true, false}) {
      check_one(word, fp);
      check_one(word & 0xffff, fp);  // the low parcel alone, as at the end of a page
    }
  }
  return 0;
}

}  // namespace unitag::fuzz
