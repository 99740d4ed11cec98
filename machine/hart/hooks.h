// The narrow interface through which a tag engine (or any checker) observes a hart.
// The machine knows nothing of tags' meaning: a hart with hooks runs the checking variant of
// the execute loop, which calls them; a hart without hooks runs a loop with no hook code at all.
#pragma once

#include <cstdint>
#include <string>

namespace unitag {

class Hart;
struct DecodedInsn;

// Who wrote guest memory from outside the guest's own instructions.
enum class HostWriteSource : uint8_t {
  kSemihosting,  // a semihosting call's results (SYS_READ into a buffer, the command line, ...)
  kDebugger,     // the gdb stub's memory writes
  kHtif,         // the HTIF mailbox's replies
  kDevice,       // a DMA-like device or channel
  kTool,         // the host program itself (a test harness poking code before a run)
};

// Told of every host write into guest RAM (Machine::add_host_write_observer), after the bytes
// changed, so what a checker knows about memory (tags) never outlives the data it described.
class HostWriteObserver {
 public:
  virtual ~HostWriteObserver() = default;
  virtual void on_host_write(uint64_t addr, uint64_t size, HostWriteSource source) = 0;
};

// Where the host sends guest memory it reads on the guest's behalf (a semihosting write).
enum class HostReadSink : uint8_t {
  kConsole,  // SYS_WRITEC, SYS_WRITE0, SYS_WRITE to the console: the user sees the bytes
  kFile,     // SYS_WRITE to a host file
};

// Asked before the host sends guest RAM outside the machine, so a checker (an information-flow
// policy) can refuse: it returns false after stopping the machine or raising a trap on `hart`.
class HostReadObserver {
 public:
  virtual ~HostReadObserver() = default;
  virtual bool on_host_read(Hart& hart, uint64_t pc, uint64_t addr, uint64_t size,
                            HostReadSink sink) = 0;
};

class ExecutionHooks {
 public:
  virtual ~ExecutionHooks() = default;
  // Once per instruction, before it executes. Returning false suppresses the instruction:
  // the hook has either stopped the machine or raised a trap with Hart::raise_trap.
  virtual bool before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) = 0;
  // When an instruction enters the decode cache, so its instruction tag can be set once.
  virtual void on_decode(Hart& hart, DecodedInsn& insn, uint64_t pc) = 0;
  // When the hart takes a trap or an interrupt (after mepc/mcause are written).
  virtual void on_trap(Hart& hart, uint64_t cause, uint64_t epc) = 0;
  // For traces: what the hook decided about the last instruction it saw on `hart` (for a tag
  // engine: input tags, output tags, the rule). Empty when there is nothing to say.
  virtual std::string describe_last(const Hart& hart) const { return {}; }
  // For the debugger's `monitor` command (e.g. "tag x10", "tag mem 0x80001000", "violations").
  // Returns the text to show, or an empty string when the command is not the hook's.
  virtual std::string monitor(Hart& hart, const std::string& command) { return {}; }
  // Whether these hooks use the host FPU. If they do, the loop folds the guest's pending FP flags
  // before each call and resets the host FP environment after it, which costs more than a whole
  // tag check; hooks that never touch floating point (the tag engine) say false.
  virtual bool uses_host_fp() const { return true; }
  // Whether execute() below runs the hart's blocks in place of the generic checking loop (which
  // calls before_instruction through this interface): a tag engine instantiates the loop with its
  // check inlined (Hart::execute_loop). Asked once, when the hooks are set.
  virtual bool has_own_loop() const { return false; }
  // Runs one block as Hart::execute does, with the same effects and checks as the generic loop.
  virtual uint64_t execute(Hart& hart, uint64_t budget) { return 0; }
  // Whether that loop runs translated code (machine/jit) with the checks compiled in.
  virtual bool runs_translated() const { return false; }
  // The custom-0 tag instruction `tag.get`: the tag handle of the memory word at addr.
  virtual uint64_t memory_tag(uint64_t addr) const { return 0; }
  // The value a tag instruction's checker computed for its rd before it ran (`tag.typeof`).
  virtual uint64_t tag_result() const { return 0; }
};

}  // namespace unitag
