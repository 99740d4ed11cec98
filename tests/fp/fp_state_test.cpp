// FP architectural state on a real Hart: mstatus.FS (Off traps, writes set Dirty), the fflags /
// frm / fcsr CSRs, misa, loads and stores (including the compressed forms) and NaN-boxing.
#include <gtest/gtest.h>

#include "fp_harness.h"

namespace unitag::fptest {
namespace {

constexpr uint64_t kFsDirty = mstatus::kFs;
constexpr uint64_t kFsInitial = 1ull << mstatus::kFsShift;

uint64_t read_csr(FpHart& t, uint16_t csr) {
  uint64_t v = 0;
  EXPECT_TRUE(t.hart.csr_read(csr, v));
  return v;
}

TEST(FpStatus, FsOffMakesFpInstructionsAndCsrsIllegal) {
  FpHart t;
  t.hart.mstatus &= ~mstatus::kFs;
  EXPECT_FALSE(t.exec(op_fp(kAdd, S, 3, 1, 2, kRne)));
  EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  EXPECT_FALSE(t.exec(enc::i(0x07, 3, 1, 0, 0)));  // fld
  EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  EXPECT_FALSE(t.exec(0x2400));  // c.fld
  EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  EXPECT_FALSE(t.exec(csrrs(10, csr::kFflags, 0)));
  EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  // Turning FS back on makes them legal again without any decode-cache flush.
  t.hart.mstatus |= kFsInitial;
  EXPECT_TRUE(t.exec(op_fp(kAdd, S, 3, 1, 2, kRne)));
}

TEST(FpStatus, WritesSetDirtyAndSdFollows) {
  FpHart t;
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, kFsInitial);  // reset state of an FP hart
  EXPECT_EQ(read_csr(t, csr::kMstatus) >> 63, 0u);
  t.hart.x[5] = FpHart::kData;
  EXPECT_TRUE(t.exec(enc::s(0x27, 3, 5, 1, 0)));  // fsd reads FP state only
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, kFsInitial);
  EXPECT_TRUE(t.exec(op_fp(kAdd, D, 3, 1, 2, kRne)));
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, kFsDirty);
  EXPECT_EQ(read_csr(t, csr::kMstatus) >> 63, 1u);
  t.hart.mstatus = (t.hart.mstatus & ~mstatus::kFs) | (2ull << mstatus::kFsShift);  // Clean
  EXPECT_TRUE(t.exec(enc::i(0x07, 2, 1, 5, 0)));                                    // flw
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, kFsDirty);
  t.hart.mstatus = (t.hart.mstatus & ~mstatus::kFs) | (2ull << mstatus::kFsShift);
  EXPECT_TRUE(t.exec(csrrw(0, csr::kFrm, 0)));
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, kFsDirty);
}

TEST(FpStatus, MisaReportsImafdc) {
  FpHart t;
  const uint64_t misa = read_csr(t, csr::kMisa);
  EXPECT_EQ(misa >> 62, 2u);  // MXL = 64
  std::string letters;
  for (char c = 'A'; c <= 'Z'; ++c)
    if (misa & (1ull << (c - 'A'))) letters += c;
  EXPECT_EQ(letters, "ACDFIMSU");
}

TEST(FpStatus, MachineWithoutFpHasNone) {
  FpHart t(/*fp=*/false);
  EXPECT_FALSE(t.exec(op_fp(kAdd, S, 3, 1, 2, kRne)));
  EXPECT_EQ(t.hart.mcause, Cause::kIllegalInsn);
  EXPECT_FALSE(t.exec(0x2400));  // c.fld is reserved without D
  const uint64_t misa = read_csr(t, csr::kMisa);
  EXPECT_EQ(misa & ((1u << ('F' - 'A')) | (1u << ('D' - 'A'))), 0u);
  EXPECT_TRUE(t.hart.csr_write(csr::kMstatus, mstatus::kFs));
  EXPECT_EQ(t.hart.mstatus & mstatus::kFs, 0u);  // FS is read-only zero
}

TEST(FpCsr, FlagsAccumulateAndClearExactly) {
  FpHart t;
  t.set_s(1, 1.0f);
  t.set_s(2, std::ldexp(1.0f, -24));
  t.set_s(4, 0.0f);
  t.hart.fflags = 0;
  ASSERT_TRUE(t.exec(op_fp(kAdd, S, 3, 1, 2, kRne)));
  ASSERT_TRUE(t.exec(op_fp(kDiv, S, 3, 1, 4, kRne)));
  ASSERT_TRUE(t.exec(csrrs(10, csr::kFflags, 0)));
  EXPECT_EQ(t.hart.x[10], NX | DZ);
  // Software clears fflags; a later exact operation must not bring back the earlier flags.
  ASSERT_TRUE(t.exec(csrrw(11, csr::kFflags, 0)));
  EXPECT_EQ(t.hart.x[11], NX | DZ);
  ASSERT_TRUE(t.exec(op_fp(kAdd, S, 3, 1, 1, kRne)));
  ASSERT_TRUE(t.exec(op_fp(kAdd, S, 3, 1, 1, kRtz)));
  ASSERT_TRUE(t.exec(csrrs(10, csr::kFflags, 0)));
  EXPECT_EQ(t.hart.x[10], 0u);
  // Host code between blocks (here: the test itself) may raise host flags; they do not leak.
  volatile double third = 1.0;
  third = third / 3.0;
  ASSERT_TRUE(t.exec(op_fp(kMul, S, 3, 1, 1, kRne)));
  EXPECT_EQ(t.hart.fflags, 0u);
}

// Flags raised by host operations stay pending during a block; CSR reads must still see them.
TEST(FpCsr, FlagsWithinOneBlock) {
  FpHart t;
  t.set_s(1, 1.0f);
  t.set_s(2, std::ldexp(1.0f, -24));
  t.set_s(4, 0.0f);
  t.set_s(5, 3.0f);
  t.hart.fflags = 0;
  EXPECT_EQ(
      t.run({op_fp(kAdd, S, 3, 1, 2, kRne), csrrs(10, csr::kFflags, 0),
             op_fp(kDiv, S, 3, 1, 4, kRne), csrrs(11, csr::kFflags, 0), csrrw(0, csr::kFflags, 0),
             op_fp(kAdd, S, 3, 1, 1, kRne), csrrs(12, csr::kFflags, 0),
             op_fp(kDiv, S, 3, 1, 5, kRup), csrrs(13, csr::kFcsr, 0)}),
      9u);
  EXPECT_EQ(t.hart.x[10], NX);
  EXPECT_EQ(t.hart.x[11], NX | DZ);
  EXPECT_EQ(t.hart.x[12], 0u);
  EXPECT_EQ(t.hart.x[13], NX);  // fcsr: frm 0, flags of 1/3 rounded up
  EXPECT_EQ(t.hart.fflags, NX);
}

// A hook that uses the host FPU (here: an inexact division) must not leak flags into the guest.
class FpuUsingHooks final : public ExecutionHooks {
 public:
  bool before_instruction(Hart&, const DecodedInsn&, uint64_t) override {
    volatile double x = 1.0;
    x = x / 3.0;
    volatile double y = 1e308;
    y = y * 10.0;
    return true;
  }
  void on_decode(Hart&, DecodedInsn&, uint64_t) override {}
  void on_trap(Hart&, uint64_t, uint64_t) override {}
};

TEST(FpCsr, HooksUsingTheHostFpuDoNotRaiseGuestFlags) {
  FpHart t;
  FpuUsingHooks hooks;
  t.hart.set_hooks(&hooks);
  t.set_d(1, 1.5);
  t.hart.fflags = 0;
  EXPECT_EQ(t.run({op_fp(kAdd, D, 2, 1, 1, kRne), op_fp(kMul, D, 2, 1, 1, kRne),
                   csrrs(10, csr::kFflags, 0), op_fp(kSub, D, 2, 1, 1, kRtz)}),
            4u);
  EXPECT_EQ(t.hart.x[10], 0u);
  EXPECT_EQ(t.hart.fflags, 0u);
  t.hart.set_hooks(nullptr);
}

TEST(FpCsr, FcsrCombinesFrmAndFflags) {
  FpHart t;
  t.hart.x[5] = (kRup << 5) | NV | NX;
  ASSERT_TRUE(t.exec(csrrw(0, csr::kFcsr, 5)));
  EXPECT_EQ(t.hart.frm, kRup);
  EXPECT_EQ(t.hart.fflags, NV | NX);
  ASSERT_TRUE(t.exec(csrrs(10, csr::kFrm, 0)));
  EXPECT_EQ(t.hart.x[10], kRup);
  t.hart.x[5] = 0xff;  // frm takes 3 bits, fflags 5; the rest is ignored
  ASSERT_TRUE(t.exec(csrrw(10, csr::kFflags, 5)));
  ASSERT_TRUE(t.exec(csrrs(10, csr::kFcsr, 0)));
  EXPECT_EQ(t.hart.x[10], (kRup << 5) | 0x1fu);
  // The dynamic rounding mode is then used by rm = 7.
  t.set_s(1, 1.0f);
  t.set_s(2, std::ldexp(1.0f, -24));
  ASSERT_TRUE(t.exec(op_fp(kAdd, S, 3, 1, 2, kDyn)));
  EXPECT_EQ(t.s_bits(3), 0x3f800001u);
}

TEST(FpMemory, LoadsStoresAndBoxing) {
  FpHart t;
  const uint64_t data[2] = {0x400921fb54442d18, 0x11223344c0490fdb};
  ASSERT_TRUE(t.hart.poke(FpHart::kData, data, sizeof data));
  t.hart.x[5] = FpHart::kData;
  ASSERT_TRUE(t.exec(enc::i(0x07, 3, 1, 5, 0)));  // fld f1, 0(x5)
  EXPECT_EQ(t.hart.f[1], data[0]);
  ASSERT_TRUE(t.exec(enc::i(0x07, 2, 2, 5, 8)));  // flw f2, 8(x5): boxed
  EXPECT_EQ(t.hart.f[2], 0xffffffffc0490fdbu);
  // fsw stores the low 32 bits whatever the upper bits are.
  t.hart.f[3] = 0x00000000aabbccdd;
  ASSERT_TRUE(t.exec(enc::s(0x27, 2, 5, 3, 12)));  // fsw f3, 12(x5)
  ASSERT_TRUE(t.exec(enc::s(0x27, 3, 5, 1, 16)));  // fsd f1, 16(x5)
  uint32_t word = 0;
  uint64_t dword = 0;
  ASSERT_TRUE(t.hart.peek(FpHart::kData + 12, &word, 4));
  ASSERT_TRUE(t.hart.peek(FpHart::kData + 16, &dword, 8));
  EXPECT_EQ(word, 0xaabbccddu);
  EXPECT_EQ(dword, data[0]);
  // Misaligned FP accesses to RAM are emulated like integer ones.
  ASSERT_TRUE(t.exec(enc::i(0x07, 3, 4, 5, 12)));
  EXPECT_EQ(t.hart.f[4], 0x54442d18aabbccddu);
}

TEST(FpMemory, CompressedLoadsAndStores) {
  FpHart t;
  const uint64_t data[6] = {0, 0x3ff0000000000000, 0, 0x4000000000000000, 0, 0};
  ASSERT_TRUE(t.hart.poke(FpHart::kData, data, sizeof data));
  t.hart.x[8] = FpHart::kData;
  t.hart.x[2] = FpHart::kData;
  ASSERT_TRUE(t.exec(0x2400));  // c.fld fs0, 8(s0)
  EXPECT_EQ(t.hart.f[8], data[1]);
  ASSERT_TRUE(t.exec(0x2562));  // c.fldsp fa0, 24(sp)
  EXPECT_EQ(t.hart.f[10], data[3]);
  t.hart.f[9] = 0x1111111111111111;
  t.hart.f[11] = 0x2222222222222222;
  ASSERT_TRUE(t.exec(0xa804));  // c.fsd fs1, 16(s0)
  ASSERT_TRUE(t.exec(0xb02e));  // c.fsdsp fa1, 32(sp)
  uint64_t out[6];
  ASSERT_TRUE(t.hart.peek(FpHart::kData, out, sizeof out));
  EXPECT_EQ(out[2], 0x1111111111111111u);
  EXPECT_EQ(out[4], 0x2222222222222222u);
}

}  // namespace
}  // namespace unitag::fptest
