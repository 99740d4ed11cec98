// frame: stack frame isolation by depth (SDMP's depth isolation) for unmodified binaries. Every
// stack word carries the depth of the frame that owns it, sp carries the depth of the current
// frame, and a pointer derived from sp (addi a0, sp, 16; mv a0, s0; pointer arithmetic, 64-bit
// loads and stores of it) carries the depth of the frame it was derived in. An access through
// such a pointer must hit a word of the same frame, so:
//   - a local buffer overflow (or an out-of-bounds read) into another live frame is caught
//     (`frame-store` / `frame-load`), in either direction;
//   - an access through a pointer into a returned frame is caught (`dead-frame`) until a new
//     frame at a different depth claims the word (then it is a `frame-store` / `frame-load`).
// A local passed by address down any number of calls keeps working: the pointer keeps its
// frame's depth wherever it goes.
//
// How frames get identity without compiler help: the engine reports every write to sp
// (a StackPointerWrite event) with its old and new value; instruction tags say which writes
// open a frame (the first `addi sp, sp, -N` of each function), which adjust it (later decrements
// in the same function, `add`/`sub sp, sp, reg`: large frames, alloca/VLAs, gcc's
// __riscv_save_N millicode) and which reload sp (ld, csrrw, mv, `addi sp, s0, -k`, la).
//   - open: the words [new sp, old sp) get depth d+1 (mod 32, so tags stay few), sp gets d+1;
//   - adjust down: the new words get the current depth; adjust up (any epilogue): the released
//     words become dead;
//   - reload (longjmp, a context switch, a trap entry swapping sp, restoring sp from s0): the
//     depth is read back from the memory tag of the word at the new sp, so it is derived from sp
//     itself and needs no call/return counting. Threads work because each stack's words keep
//     their own depths; nothing is kept per hart or per thread outside the tags.
// Private frames: a leaf whose code reads sp only as a load/store base, to move sp, or to set up
// the frame pointer (itself used only as a base) can have no pointer into its frame, so its frame
// is not coloured at all: its sp moves write no tags and leave sp's depth alone. That is most
// short calls (a spin lock, "who am I"): 62 % fewer tag-write cycles on the mutex selftest.
// Leaves only, so no coloured frame returns into one; a trap frame that interrupted one
// releases by counting one frame up (kClosesFrame: the single-decrement frame's matching
// `addi sp, sp, +N`) instead of reading the unclaimed word at sp. Not in a Linux program run by
// the personality: there a trap switches stacks and returns by reloading sp, which would read
// that unclaimed word (a stale depth after an exception or longjmp skipped frames).
// Accesses through sp itself (the compiler's own constant-offset slots: saved registers,
// spills, incoming stack arguments) are not checked, only pointers derived from it. Stores
// through sp at offsets below 128 mark the word as a possible outgoing argument; a pointer of
// depth d may read such a word of depth d-1 (a variadic callee walking its va_list into its
// caller's stack arguments).
// C++ exceptions: libgcc's unwinder (_Unwind_*, uw_*, the personality routines) crosses frames
// by design and is not checked; `sub` of pointers into two frames keeps the first's frame, so a
// copy loop re-basing one on the other (glibc's memcpy) yields an unchecked pointer.
// Cannot catch: overflows inside one frame (between locals of the same function); accesses
// through sp with constant offsets; accesses through pointers that lost their tag (byte-wise
// copies, integers cast to pointers) or never had one (addresses of stack words computed from
// globals); a dangling pointer used after a new frame at the same depth (mod 32) reused its
// word, or into frames skipped by longjmp that no new frame reused yet; reads of the immediate
// caller's words stored through sp below offset 128; frames 32 apart alias; an access through a
// caller's pointer into a private leaf's words while it runs (found only where the words are
// still a returned frame's: `dead-frame`).
#include <fmt/format.h>

#include <unordered_set>

#include "machine/isa/insn.h"
#include "tags/engine/landing_pads.h"
#include "tags/policies/registry.h"

namespace unitag::tags {
namespace {

constexpr unsigned kSp = 2;
constexpr unsigned kDepths = 32;         // depths wrap: frames 32 apart share an identity
constexpr uint64_t kMaxFrame = 1 << 20;  // a larger sp move is a stack switch, not a frame

// Register metadata: kind (bits 0-1) and frame depth (bits 8-15).
constexpr Meta kStackPointer = 1, kFramePointer = 2;
Meta kind(Meta r) { return r & 3; }
unsigned depth(Meta r) { return static_cast<unsigned>(r >> 8) & 0xff; }
Meta reg(Meta k, unsigned d) { return k | Meta{d} << 8; }
// A value computed from a register tag: a frame pointer of the same frame (0 if none).
Meta derived(Meta r) { return kind(r) && depth(r) ? reg(kFramePointer, depth(r)) : 0; }

// Memory metadata: owner (bits 0-7: 0 not a known frame word, 1..kDepths a frame, kDead a
// released frame), bit 8 "stored through sp at a small offset" (a possible outgoing argument),
// bits 16-31 the register metadata of a pointer stored in the word.
constexpr unsigned kDead = 0xff;
constexpr Meta kArgument = 1 << 8;
unsigned owner(Meta m) { return static_cast<unsigned>(m) & 0xff; }
Meta value(Meta m) { return (m >> 16) & 0xffff; }
Meta word(unsigned own, Meta arg, Meta val) { return own | arg | val << 16; }
Meta claim(Meta, Meta d) { return word(static_cast<unsigned>(d), 0, 0); }
Meta keep_owner(Meta m, Meta) { return word(owner(m), 0, 0); }

unsigned next_depth(unsigned d) { return d % kDepths + 1; }
unsigned prev_depth(unsigned d) { return d <= 1 ? kDepths : d - 1; }

// Instruction metadata: how an instruction writing sp moves frames, and stores through sp that
// may write an outgoing argument.
constexpr Meta kOpensFrame = 1, kAdjustsFrame = 2, kReloadsSp = 4, kArgumentStore = 8,
               kSubtracts = 16, kWalksFrames = 32, kPrivateFrame = 64, kClosesFrame = 128,
               kPrivateFramePointer = 256;

constexpr Meta kWritesSp = kOpensFrame | kAdjustsFrame | kReloadsSp | kPrivateFrame;
constexpr unsigned kS0 = 8;
constexpr int32_t kArgumentBytes = 128;  // 16 stack-passed argument words

constexpr Denial kDeadFrame{"dead-frame", "access through a pointer into a frame that has returned",
                            "stack-use-after-return"};
constexpr Denial kFrameStore{"frame-store",
                             "store through a pointer into another live frame's words",
                             "stack-frame-overflow"};
constexpr Denial kFrameLoad{"frame-load", "load through a pointer from another live frame's words",
                            "stack-frame-read"};

bool is_load(OpGroup op) {
  return op == OpGroup::kLoad || op == OpGroup::kLoad64 || op == OpGroup::kFpLoad;
}

class Frame final : public Policy {
 public:
  std::string_view name() const override { return "frame"; }
  std::string_view summary() const override {
    return "stack frame isolation by depth: overflows and out-of-bounds reads into another "
           "frame, use of a returned frame's locals";
  }

  void prepare(const ImageFacts& facts, const SourceLines&) override { find_frames(facts); }

  unsigned inputs(OpGroup op, bool) const override {
    switch (op) {
      case OpGroup::kMove:
        return kRs1 | kCi;
      case OpGroup::kAdd:
        return kRs1 | kRs2 | kCi;
      case OpGroup::kLogic:
        return kRs1 | kRs2;
      case OpGroup::kLoad:
      case OpGroup::kLoad64:
      case OpGroup::kFpLoad:
      case OpGroup::kAmo:
        return kRs1 | kMem | kCi;
      case OpGroup::kStore64:
        return kCi | kRs1 | kRs2 | kMem;
      case OpGroup::kStore:
      case OpGroup::kFpStore:
        return kCi | kRs1 | kMem;
      default:
        return 0;
    }
  }

  Meta code_meta(const ImageFacts& facts, uint64_t pc) const override {
    DecodedInsn d;
    if (!facts.instruction_at(pc, d)) return 0;
    const OpGroup op = classify(d);
    if (d.arch_rd() == kSp && writes_rd(op)) {
      if (d.rs1 != kSp || !(d.op == Op::addi || d.op == Op::add || d.op == Op::sub))
        return kReloadsSp;
      if (d.op == Op::addi && loads_sp_upper(facts, pc)) return kReloadsSp;  // la sp, symbol
      if (private_.count(pc)) return kPrivateFrame;
      if (closes_.count(pc)) return kAdjustsFrame | kClosesFrame;
      return opens_.count(pc) ? kOpensFrame : kAdjustsFrame;
    }
    if (private_.count(pc)) return kPrivateFramePointer;  // the rest of a private frame's pcs
    if ((op == OpGroup::kStore || op == OpGroup::kStore64 || op == OpGroup::kFpStore) &&
        d.rs1 == kSp && d.imm >= 0 && d.imm < kArgumentBytes)
      return kArgumentStore;
    const FunctionInfo* f = facts.function_at(pc);
    if (f != nullptr && is_unwinder_code(f->name)) return kWalksFrames;  // crosses frames
    return d.op == Op::sub ? kSubtracts : 0;
  }

  const Denial* rule(const RuleInputs& in, RuleOutputs& out) const override {
    // The unwinder's pointers into other frames (handed to memcpy to restore registers) are
    // not frame pointers to check.
    // A private frame's frame pointer is a plain number too: a backtrace walking frame records
    // through it reads words no frame claimed.
    if ((in.ci & (kWalksFrames | kPrivateFramePointer)) &&
        (in.op == OpGroup::kMove || in.op == OpGroup::kAdd)) {
      out.rd = 0;
      return nullptr;
    }
    switch (in.op) {
      case OpGroup::kMove:
        // A write to sp keeps sp's identity (the stack-pointer hook then moves the frame; for a
        // bound allocator's entry, which it skips, sp comes back unchanged).
        out.rd = in.ci & kWritesSp ? reg(kStackPointer, depth(in.rs1)) : derived(in.rs1);
        return nullptr;
      case OpGroup::kAdd:
        if (in.ci & kWritesSp) {
          const Meta from = kind(in.rs1) == kStackPointer ? in.rs1 : in.rs2;
          out.rd = reg(kStackPointer, depth(from));
        } else if ((in.ci & kSubtracts) && kind(in.rs1) && kind(in.rs2) &&
                   depth(in.rs1) != depth(in.rs2)) {
          // Pointers into two frames: the difference keeps the first's frame, so adding it back
          // to the second (glibc's memcpy: `src + (dst - src)`) cancels to an unchecked value
          // instead of giving the first frame's words the second's identity.
          out.rd = derived(in.rs1);
        } else {
          out.rd = in.rs1 && in.rs2 ? 0 : derived(in.rs1 | in.rs2);  // ptr +- int; ptr - ptr
        }
        return nullptr;
      case OpGroup::kLogic:  // alignment masks keep the frame
        out.rd = in.rs1 && in.rs2 ? 0 : derived(in.rs1 | in.rs2);
        return nullptr;
      default:
        break;
    }
    const bool load = is_load(in.op), store = writes_memory(in.op);
    if (!load && !store) return nullptr;
    if (const Denial* d = check_access(in, store)) return d;
    if (in.op == OpGroup::kLoad64) out.rd = derived(value(in.mem));  // a saved sp is a pointer
    if (store) {
      unsigned own = owner(in.mem);
      Meta arg = 0;
      if (kind(in.rs1) != kFramePointer && own == kDead) own = 0;  // reused as something else
      // code_meta marks only plain stores as argument stores; an AMO's CI is not an input.
      const bool argument_store = in.op != OpGroup::kAmo && (in.ci & kArgumentStore);
      if (kind(in.rs1) == kStackPointer && argument_store) arg = kArgument;
      out.mem = word(own, arg, in.op == OpGroup::kStore64 ? in.rs2 : 0);
    }
    return nullptr;
  }

  EventSet events() const override { return EventSet::of<StackPointerWrite, HostWrite>(); }
  const Denial* on_event(const Event& e, TagAccess& tags) override {
    if (const auto* w = std::get_if<StackPointerWrite>(&e)) move_frame(*w, tags);
    // Data the host wrote into a frame's words is no pointer, but the words keep their frame.
    if (const auto* w = std::get_if<HostWrite>(&e))
      tags.update_range(w->addr, w->size, &keep_owner, 0);
    return nullptr;
  }

  // sp moved: open, extend or release frame words, or find the frame sp now points into.
  void move_frame(const StackPointerWrite& w, TagAccess& tags) {
    const uint64_t old_sp = w.old_sp, new_sp = w.new_sp;
    if (!w.new_known) return;           // sp keeps the tag its rule gave it
    const Meta how = tags.insn_meta();  // this policy's code_meta of the sp write
    if (how & kPrivateFrame) return;    // no pointer into it can exist: its words stay as they are
    const Meta now = tags.reg_meta(kSp);  // after the rule: the old sp's identity, or a reload's
    const unsigned d = depth(now);
    const bool moves_frame = how & (kOpensFrame | kAdjustsFrame);
    if (moves_frame && new_sp < old_sp && old_sp - new_sp <= kMaxFrame) {
      const unsigned nd = (how & kOpensFrame) || d == 0 ? next_depth(d) : d;
      tags.update_range(new_sp, old_sp - new_sp, &claim, nd);
      tags.set_reg_meta(kSp, reg(kStackPointer, nd));
      return;
    }
    const bool pops = moves_frame && new_sp > old_sp && new_sp - old_sp <= kMaxFrame;
    if (pops) tags.update_range(old_sp, new_sp - old_sp, &claim, kDead);
    // A function's whole frame released: back in its caller, one frame up. Not read from the
    // word at sp, which a private caller (a leaf interrupted by a trap) never claimed. Depth 1
    // may have been opened from an unknown depth (0): that one is found in memory as before.
    if (pops && (how & kClosesFrame) && d > 1) {
      tags.set_reg_meta(kSp, reg(kStackPointer, d - 1));
      return;
    }
    // Whatever moved sp, the frame it now points into is the owner of the word at sp.
    const unsigned at = owner(tags.mem_meta(new_sp));
    if (at >= 1 && at <= kDepths)
      tags.set_reg_meta(kSp, reg(kStackPointer, at));
    else if (pops || kind(now) != kStackPointer)
      tags.set_reg_meta(kSp, reg(kStackPointer, 0));
  }

  std::string describe(Meta m, Site site) const override {
    if (m == 0) return "-";
    switch (site) {
      case Site::kPc:
        return "-";
      case Site::kInstruction:
        if (m & kPrivateFrame) return "moves sp in a private frame (not coloured)";
        if (m & kPrivateFramePointer) return "sets a private frame's frame pointer (untagged)";
        if (m & kClosesFrame) return "releases the frame";
        if (m & kOpensFrame) return "opens a frame";
        if (m & kAdjustsFrame) return "adjusts the frame";
        if (m & kReloadsSp) return "reloads sp";
        if (m & kSubtracts) return "subtracts";
        if (m & kWalksFrames) return "in the unwinder (reads and writes other frames)";
        return "store to a possible outgoing argument";
      case Site::kRegister:
        if (kind(m) == kStackPointer) return fmt::format("stack pointer, frame depth {}", depth(m));
        return fmt::format("pointer into the frame at depth {}", depth(m));
      case Site::kMemory: {
        std::string s;
        if (owner(m) == kDead)
          s = "word of a returned frame";
        else if (owner(m))
          s = fmt::format("word of the frame at depth {}", owner(m));
        else
          s = "not a frame word";
        if (m & kArgument) s += ", stored through sp (possible outgoing argument)";
        if (value(m)) s += ", holds a " + describe(value(m), Site::kRegister);
        return s;
      }
    }
    return "-";
  }

  Explanation explain(const Denial& d, const RuleInputs& in, bool has_addr,
                      uint64_t addr) const override {
    const unsigned f = depth(in.rs1), g = owner(in.mem);
    const std::string where = has_addr ? fmt::format("0x{:x}", addr) : std::string("the word");
    if (&d == &kDeadFrame)
      return {{},
              fmt::format("{} belongs to a frame that has returned; the pointer was derived in the "
                          "frame at depth {}\n",
                          where, f)};
    // Depths count up from the outermost frame (mod 32): a smaller one is a caller.
    const unsigned up = (f + kDepths - g) % kDepths;
    std::string relation =
        up && up < kDepths / 2
            ? fmt::format("{} frame{} up the call chain (a caller's frame)", up, up == 1 ? "" : "s")
            : fmt::format("{} frame{} down the call chain (a callee's frame)", kDepths - up,
                          kDepths - up == 1 ? "" : "s");
    return {{},
            fmt::format("the pointer belongs to the frame at depth {}; {} belongs to the "
                        "frame at depth {}, {}\n",
                        f, where, g, relation)};
  }

 private:
  static const Denial* check_access(const RuleInputs& in, bool store) {
    if (kind(in.rs1) != kFramePointer || depth(in.rs1) == 0) return nullptr;
    if (in.ci & kWalksFrames) return nullptr;
    const unsigned f = depth(in.rs1), g = owner(in.mem);
    if (g == 0 || g == f) return nullptr;
    if (g == kDead) return &kDeadFrame;
    if (!store && (in.mem & kArgument) && g == prev_depth(f)) return nullptr;
    return store ? &kFrameStore : &kFrameLoad;
  }

  // `auipc sp, hi` or `lui sp, hi` right before: the addi completes an address, not a frame.
  static bool loads_sp_upper(const ImageFacts& facts, uint64_t pc) {
    DecodedInsn prev;
    return facts.instruction_at(pc - 4, prev) && prev.len == 4 &&
           (prev.op == Op::auipc || prev.op == Op::lui) && prev.arch_rd() == kSp;
  }

  // The first `addi sp, sp, -N` of each function opens its frame; later decrements in the same
  // function (the rest of a large frame, constant-size alloca) extend it. gcc's __riscv_save_N
  // millicode saves the caller's registers for it: it extends, so that function's own
  // decrement (if any) opens the frame. A private frame is not opened at all, and a function
  // whose frame is one decrement releases it, at each `addi sp, sp, +N` of the same size.
  void find_frames(const ImageFacts& facts) {
    for (uint32_t i = 1;; ++i) {
      const FunctionInfo* f = facts.function_by_index(i);
      if (f == nullptr) break;
      if (f->name.rfind("__riscv_save", 0) == 0) continue;
      const FrameShape shape = frame_shape(facts, *f);
      // Not in a Linux program: its traps switch to the kernel's stack and come back by
      // reloading sp, which reads the word at sp that a private leaf never claimed.
      if (shape.is_private && !facts.in_program(f->start)) {
        private_.insert(shape.private_pcs.begin(), shape.private_pcs.end());
        continue;
      }
      if (shape.open_pc) opens_.insert(shape.open_pc);
      if (shape.decrements == 1 && shape.open_pc)
        for (const auto& [pc, bytes] : shape.increments)
          if (bytes == shape.open_bytes) closes_.insert(pc);
    }
  }

  // What one function does with sp.
  struct FrameShape {
    uint64_t open_pc = 0;
    int64_t open_bytes = 0;
    unsigned decrements = 0;                               // sp moves down (constant or not)
    std::vector<std::pair<uint64_t, int64_t>> increments;  // constant `addi sp, sp, +N`
    // A leaf whose frame's address never leaves sp (and the frame pointer set from it, used as
    // a load/store base only): no pointer into the frame can exist, so there is nothing to
    // colour and the policy writes no tags for it. Its words keep whatever they held; sp keeps
    // its caller's depth. Leaves only, so that no coloured frame ever returns into one (except
    // a trap frame, which releases by kClosesFrame without reading the word at sp).
    bool is_private = false;
    std::vector<uint64_t> private_pcs;  // its sp moves and frame-pointer set-ups (`addi s0, sp, N`)
  };

  static FrameShape frame_shape(const ImageFacts& facts, const FunctionInfo& f) {
    FrameShape shape;
    bool exposes = is_unwinder_code(f.name), has_fp = false, s0_read_as_value = false;
    for (uint64_t pc = f.start; pc < f.end;) {
      DecodedInsn d;
      if (!facts.instruction_at(pc, d)) {
        exposes = true;
        break;
      }
      const Operands& ops = d.operands();
      const bool reads_sp =
          (ops.rs1 == RegFile::kX && d.rs1 == kSp) || (ops.rs2 == RegFile::kX && d.rs2 == kSp);
      const bool reads_s0_as_value =
          (ops.rs2 == RegFile::kX && d.rs2 == kS0) ||
          (ops.rs1 == RegFile::kX && d.rs1 == kS0 && !ops.accesses_memory());
      const bool moves_sp = d.arch_rd() == kSp && d.rs1 == kSp && ops.rs1 == RegFile::kX &&
                            (d.op == Op::addi || d.op == Op::add || d.op == Op::sub) &&
                            !(d.op != Op::addi && d.rs2 == kSp);
      const bool sets_fp = d.op == Op::addi && d.arch_rd() == kS0 && d.rs1 == kSp;
      const bool sp_as_base =
          ops.accesses_memory() && d.rs1 == kSp && !(ops.rs2 == RegFile::kX && d.rs2 == kSp);
      if (moves_sp && !(d.op == Op::addi && loads_sp_upper(facts, pc))) {
        shape.private_pcs.push_back(pc);
        if (d.op != Op::addi || d.imm < 0) {  // add/sub by a register: down, for all we know
          ++shape.decrements;
          if (shape.open_pc == 0 && d.op == Op::addi) {
            shape.open_pc = pc;
            shape.open_bytes = -int64_t{d.imm};
          }
        } else {
          shape.increments.emplace_back(pc, int64_t{d.imm});
        }
      } else if (sets_fp) {
        shape.private_pcs.push_back(pc);
        has_fp = true;
      } else if ((reads_sp && !sp_as_base) || d.arch_rd() == kSp) {
        exposes = true;
      }
      s0_read_as_value |= has_fp && reads_s0_as_value;  // before the set-up it is the caller's
      if ((d.op == Op::jal || d.op == Op::jalr) && (d.arch_rd() == 1 || d.arch_rd() == 5))
        exposes = true;  // not a leaf
      pc += d.len;
    }
    shape.is_private = !exposes && !s0_read_as_value && shape.decrements > 0;
    return shape;
  }

  std::unordered_set<uint64_t> opens_, closes_;
  std::unordered_set<uint64_t> private_;  // a private frame's sp moves and frame-pointer set-ups
};

}  // namespace

std::unique_ptr<Policy> make_frame_policy() { return std::make_unique<Frame>(); }

}  // namespace unitag::tags
