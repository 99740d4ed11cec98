#include "tags/engine/landing_pads.h"

#include <array>
#include <string>

namespace unitag::tags {
namespace {

// DW_EH_PE_* pointer encodings (LSB's "Exception Frames"): low nibble the format, bits 4-6 what
// the value is relative to, 0xff "omitted".
constexpr uint8_t kOmit = 0xff, kFormat = 0x0f, kRelative = 0x70, kPcRelative = 0x10;

// Reads the image's loaded bytes by virtual address, failing (not throwing) past their end.
class Cursor {
 public:
  Cursor(const ElfImage& image, uint64_t addr) : image_(image), addr_(addr) {}
  uint64_t addr() const { return addr_; }
  void seek(uint64_t addr) { addr_ = addr; }
  bool ok() const { return ok_; }

  uint64_t fixed(unsigned bytes) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) v |= uint64_t{byte()} << (8 * i);
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0; ok_ && shift < 64; shift += 7) {
      const uint8_t b = byte();
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t sleb() {
    uint64_t v = 0;
    for (unsigned shift = 0; ok_ && shift < 64;) {
      const uint8_t b = byte();
      v |= uint64_t{b & 0x7fu} << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) v |= ~uint64_t{0} << shift;
        return static_cast<int64_t>(v);
      }
    }
    ok_ = false;
    return 0;
  }
  std::string string() {
    std::string s;
    for (uint8_t c = byte(); ok_ && c != 0; c = byte()) s += static_cast<char>(c);
    return s;
  }
  // An encoded pointer; `bare` drops the relative part (an FDE's address range is a length).
  uint64_t pointer(uint8_t encoding, bool bare = false) {
    const uint64_t at = addr_;
    uint64_t v = 0;
    switch (encoding & kFormat) {
      case 0x00:  // absptr
      case 0x04:  // udata8
      case 0x0c:  // sdata8
        v = fixed(8);
        break;
      case 0x01:
        v = uleb();
        break;
      case 0x02:
        v = fixed(2);
        break;
      case 0x03:
        v = fixed(4);
        break;
      case 0x09:
        v = static_cast<uint64_t>(sleb());
        break;
      case 0x0a:
        v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(fixed(2))));
        break;
      case 0x0b:
        v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(fixed(4))));
        break;
      default:
        ok_ = false;
    }
    if (bare) return v;
    if ((encoding & kRelative) == kPcRelative) return v + at;
    if ((encoding & kRelative) != 0) ok_ = false;  // datarel/textrel/funcrel: not in RISC-V EH
    return v;
  }

 private:
  uint8_t byte() {
    uint8_t b = 0;
    if (image_.read(addr_, &b, 1) == 1)
      ++addr_;
    else
      ok_ = false;
    return b;
  }
  const ElfImage& image_;
  uint64_t addr_;
  bool ok_ = true;
};

struct Cie {
  uint8_t fde_encoding = 0, lsda_encoding = kOmit;
  bool augmented = false;
};

// The CIE at addr (after its length and id): what its FDEs need to be read.
Cie read_cie(Cursor& c) {
  Cie cie;
  const uint8_t version = static_cast<uint8_t>(c.fixed(1));
  const std::string augmentation = c.string();
  (void)c.uleb();  // code alignment
  (void)c.sleb();  // data alignment
  if (version == 1)
    (void)c.fixed(1);  // return address register
  else
    (void)c.uleb();
  if (augmentation.empty() || augmentation[0] != 'z') return cie;
  cie.augmented = true;
  const uint64_t length = c.uleb();
  const uint64_t end = c.addr() + length;
  for (const char a : augmentation.substr(1)) {
    if (a == 'L') {
      cie.lsda_encoding = static_cast<uint8_t>(c.fixed(1));
    } else if (a == 'R') {
      cie.fde_encoding = static_cast<uint8_t>(c.fixed(1));
    } else if (a == 'P') {
      const uint8_t e = static_cast<uint8_t>(c.fixed(1));
      (void)c.pointer(e);
    } else if (a != 'S' && a != 'B') {
      break;  // unknown: the length says where it ends
    }
  }
  c.seek(end);
  return cie;
}

// The landing pads of one function's LSDA.
void read_lsda(const ElfImage& image, uint64_t lsda, uint64_t function_start,
               std::unordered_set<uint64_t>& pads) {
  Cursor c(image, lsda);
  const uint8_t lpstart_encoding = static_cast<uint8_t>(c.fixed(1));
  const uint64_t lpstart = lpstart_encoding == kOmit ? function_start : c.pointer(lpstart_encoding);
  if (static_cast<uint8_t>(c.fixed(1)) != kOmit) (void)c.uleb();  // type table offset
  const uint8_t call_site_encoding = static_cast<uint8_t>(c.fixed(1));
  const uint64_t table_length = c.uleb();
  const uint64_t end = c.addr() + table_length;
  while (c.ok() && c.addr() < end) {
    (void)c.pointer(call_site_encoding, true);  // region start
    (void)c.pointer(call_site_encoding, true);  // region length
    const uint64_t pad = c.pointer(call_site_encoding, true);
    (void)c.uleb();  // action
    if (c.ok() && pad != 0) pads.insert(lpstart + pad);
  }
}

}  // namespace

std::unordered_set<uint64_t> find_landing_pads(const ElfImage& image) {
  std::unordered_set<uint64_t> pads;
  const ElfSection* eh_frame = nullptr;
  for (const ElfSection& s : image.sections())
    if (s.name == ".eh_frame") eh_frame = &s;
  if (eh_frame == nullptr) return pads;
  const uint64_t end = eh_frame->addr + eh_frame->size;
  Cursor c(image, eh_frame->addr);
  while (c.ok() && c.addr() + 4 <= end) {
    const uint64_t start = c.addr();
    uint64_t length = c.fixed(4);
    if (length == 0) break;  // terminator
    if (length == 0xffffffff) length = c.fixed(8);
    const uint64_t body = c.addr(), next = body + length;
    const uint64_t id = c.fixed(4);
    if (id != 0) {  // an FDE: id is the distance back to its CIE
      Cursor cie_cursor(image, body - id);
      const uint64_t cie_length = cie_cursor.fixed(4);
      if (cie_length == 0xffffffff) (void)cie_cursor.fixed(8);
      (void)cie_cursor.fixed(4);  // the CIE's own id (0)
      const Cie cie = read_cie(cie_cursor);
      const uint64_t function_start = c.pointer(cie.fde_encoding);
      (void)c.pointer(cie.fde_encoding, true);  // address range
      if (cie.augmented) {
        const uint64_t aug_length = c.uleb();
        const uint64_t aug_end = c.addr() + aug_length;
        if (cie.lsda_encoding != kOmit && cie_cursor.ok()) {
          const uint64_t lsda = c.pointer(cie.lsda_encoding);
          if (c.ok() && lsda != 0) read_lsda(image, lsda, function_start, pads);
        }
        c.seek(aug_end);
      }
    }
    if (next <= start) break;
    c.seek(next);
  }
  return pads;
}

bool is_unwinder_function(const std::string& name) {
  static constexpr std::array<std::string_view, 4> kUnwinders = {
      "_Unwind_RaiseException", "_Unwind_Resume", "_Unwind_Resume_or_Rethrow",
      "_Unwind_ForcedUnwind"};
  for (std::string_view u : kUnwinders)
    if (name == u) return true;
  return false;
}

bool is_unwinder_code(const std::string& name) {
  for (const char* prefix : {"_Unwind_", "uw_", "execute_cfa_program", "execute_stack_op",
                             "__gxx_personality", "__gcc_personality"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace unitag::tags
