#include "tools/unitag/debug/tracer.h"

#include <fmt/format.h>

#include <charconv>

#include "machine/errors.h"
#include "machine/isa/decoder.h"
#include "machine/machine.h"

namespace unitag {
namespace {

enum class Written { kNone, kInteger, kFloat };

Written written_register(const DecodedInsn& insn) {
  if (insn.op == Op::kIllegal || insn.op == Op::kUndecoded) return Written::kNone;
  switch (operand_files(insn_info(insn.op).format).rd) {
    case RegFile::kX:
      return insn.rd == kZeroSink ? Written::kNone : Written::kInteger;
    case RegFile::kF:
      return Written::kFloat;
    case RegFile::kNone:
      return Written::kNone;
  }
  return Written::kNone;
}

std::string register_effect(const Hart& hart, const DecodedInsn& insn) {
  switch (written_register(insn)) {
    case Written::kInteger:
      return fmt::format("{}=0x{:016x}", xreg_name(insn.rd), hart.x[insn.rd]);
    case Written::kFloat:
      return fmt::format("{}=0x{:016x}", freg_name(insn.rd), hart.f[insn.rd]);
    case Written::kNone:
      break;
  }
  return {};
}

std::optional<uint64_t> parse_number(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Tracer::Tracer(std::FILE* out, const Machine& machine, TraceOptions options,
               std::vector<const ExecutionHooks*> describers)
    : out_(out),
      machine_(machine),
      options_(std::move(options)),
      describers_(std::move(describers)) {
  pending_.resize(describers_.size());
}

bool Tracer::in_filter(uint64_t pc) const {
  if (options_.ranges.empty()) return true;
  for (const auto& r : options_.ranges)
    if (pc >= r.lo && pc < r.hi) return true;
  return false;
}

bool Tracer::reserve_line() {
  if (options_.limit && lines_ >= options_.limit) {
    if (!capped_)
      fmt::print(out_, "# trace stopped after {} lines (--trace-limit)\n", options_.limit);
    capped_ = true;
    return false;
  }
  ++lines_;
  return true;
}

void Tracer::write(const Hart& hart, const Pending& p, const std::string& effect) {
  if (!reserve_line()) return;
  // The address, symbol, bits and disassembly of an instruction never change while its bits
  // stay the same, so they are formatted once per PC (traces are dominated by loops).
  StaticText& st = static_text_[p.pc];
  if (st.text.empty() || st.raw != p.insn.raw || st.len != p.insn.len) {
    const std::string bits =
        p.insn.len == 2 ? fmt::format("{:04x}", p.insn.raw) : fmt::format("{:08x}", p.insn.raw);
    st.raw = p.insn.raw;
    st.len = p.insn.len;
    st.text = fmt::format("0x{:016x} {:<24} {:<8} {:<28}", p.pc, machine_.describe(p.pc), bits,
                          disassemble(p.insn, p.pc));
  }
  std::string line = fmt::format("h{} {} {}", hart.id(), st.text, effect);
  if (!p.tags.empty()) line += " | " + p.tags;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  line += '\n';
  std::fputs(line.c_str(), out_);
}

void Tracer::flush(const Hart& hart, Pending& p) {
  if (!p.valid) return;
  write(hart, p, register_effect(hart, p.insn));
  p.valid = false;
}

bool Tracer::before_instruction(Hart& hart, const DecodedInsn& insn, uint64_t pc) {
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = pending_[hart.id()];
  flush(hart, p);
  if (!in_filter(pc) || capped_) return true;
  p.valid = true;
  p.pc = pc;
  p.insn = insn;
  const ExecutionHooks* describer = describers_[hart.id()];
  p.tags = describer ? describer->describe_last(hart) : std::string();
  return true;
}

void Tracer::on_trap(Hart& hart, uint64_t cause, uint64_t epc) {
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = pending_[hart.id()];
  const bool interrupt = cause & Cause::kInterrupt;
  if (p.valid && !interrupt && p.pc == epc) {
    // The instruction itself trapped: it wrote no register.
    write(hart, p,
          fmt::format("trap: {} (mtval=0x{:x}) -> 0x{:x}", cause_name(cause), hart.mtval, hart.pc));
    p.valid = false;
    return;
  }
  flush(hart, p);
  if (in_filter(epc) && !capped_ && reserve_line())
    fmt::print(out_, "h{} {}: {} at 0x{:x} -> 0x{:x}\n", hart.id(),
               interrupt ? "interrupt" : "trap", cause_name(cause), epc, hart.pc);
}

void Tracer::finish(const std::vector<Hart*>& harts, int stopped_hart, uint64_t stopped_pc,
                    const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Hart* h : harts) flush(*h, pending_[h->id()]);
  if (stopped_hart >= 0 && static_cast<size_t>(stopped_hart) < harts.size() &&
      in_filter(stopped_pc)) {
    Hart& h = *harts[stopped_hart];
    Pending p;
    uint32_t bits = 0;
    if (h.peek(stopped_pc, &bits, 2)) {
      if (insn_length(bits) == 4) h.peek(stopped_pc, &bits, 4);
      p.valid = true;
      p.pc = stopped_pc;
      p.insn = decode(bits, DecodeOptions{.fp = h.has_fp()});
      const ExecutionHooks* describer = describers_[h.id()];
      p.tags = describer ? describer->describe_last(h) : std::string();
      write(h, p, "stopped: " + why);
    }
  }
  std::fflush(out_);
}

TraceOptions::Range parse_trace_range(const std::string& text) {
  const size_t colon = text.find(':');
  std::optional<uint64_t> lo, hi;
  if (colon != std::string::npos) {
    lo = parse_number(std::string_view(text).substr(0, colon));
    hi = parse_number(std::string_view(text).substr(colon + 1));
  }
  if (!lo || !hi || *lo >= *hi)
    throw UserError(
        exit_code::kUsage,
        fmt::format("--trace-range {}: give LO:HI with LO < HI, e.g. 0x80000000:0x80001000", text));
  return {*lo, *hi};
}

TraceOptions::Range symbol_trace_range(const ElfImage& image, const std::string& name) {
  for (const ElfSymbol& s : image.symbols()) {
    if (s.name != name) continue;
    if (s.size == 0)
      throw UserError(
          exit_code::kUsage,
          fmt::format("--trace-symbol {}: the symbol has no size in {}; use --trace-range", name,
                      image.path()));
    return {s.value, s.value + s.size};
  }
  throw UserError(exit_code::kUsage,
                  fmt::format("--trace-symbol {}: no such symbol in {}; list them with "
                              "`riscv64-unknown-elf-nm {}`",
                              name, image.path(), image.path()));
}

}  // namespace unitag
