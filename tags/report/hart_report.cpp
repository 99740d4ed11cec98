// Violation reports, trace descriptions and monitor commands of a tagged hart: everything
// HartTagger says in words. Reports aim at AddressSanitizer's: what, where (function and source
// line), which address and whose it is, and every tag involved.
#include <fmt/format.h>

#include <cstdio>
#include <sstream>

#include "machine/errors.h"
#include "machine/isa/decoder.h"
#include "tags/engine/hart_tagger.h"

namespace unitag::tags {
namespace {
std::string indent(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out += "  " + line + "\n";
  return out;
}

// What the report's first line calls the violation: the explanation's kind, else the denial's.
std::string kind_of(const Explanation& ex, const Denial& d, const Policy& p) {
  if (!ex.kind.empty()) return ex.kind;
  if (!d.kind.empty()) return std::string(d.kind);
  return fmt::format("{}-violation", p.name());
}
}  // namespace

std::string HartTagger::tag_line(const char* what, Tag t, Site site) const {
  // The handle's index: its top bits (a word's invalid tail bytes) are told by describe().
  return fmt::format("    {:<18} tag {:<5} {}\n", what, t & kTagIndexMask,
                     engine_.describe(t, site));
}

bool HartTagger::deny(const RuleResult& r, const DecodedInsn& d, uint64_t pc, bool has_addr,
                      uint64_t addr) {
  last_entry_ = d.hook_data;  // describe_last explains the denied instruction
  const Denial& den = engine_.denial(r.denial);
  const size_t member = r.denying_policy;
  const Policy& p = engine_.policy(member);
  const TagTable& table = engine_.table();
  const CodeEntry& c = code_[d.hook_data];
  const CodeKey& key = keys_[d.hook_data];
  const Tag mem = has_addr ? engine_.shadow().get(addr) : 0;
  const Operands& ops = d.operands();
  const auto source = [&](RegFile file, uint8_t field) {
    return file == RegFile::kF ? ftag()[field & 31] : xtag()[field & 31];
  };
  const auto reg_name = [](RegFile file, uint8_t field) {
    return file == RegFile::kF ? freg_name(field) : xreg_name(field);
  };
  const Tag rs1 = source(ops.rs1, d.rs1), rs2 = source(ops.rs2, d.rs2),
            rs3 = source(ops.rs3, d.rs3);
  RuleInputs in{c.op,
                table.member(pctag(), member),
                table.member(key.ci, member),
                table.member(rs1, member),
                table.member(rs2, member),
                table.member(mem, member),
                key.last_key.overhang_for(p.invalid_tail_bytes(table.member(mem, member))),
                key.access_size,
                table.member(rs3, member)};
  // Allocations are in guest addresses: under paging the access's virtual address (the denial
  // comes before the instruction runs, so its registers are as it found them).
  const uint64_t guest_addr = hart_.paged_data() && d.operands().accesses_memory()
                                  ? hart_.access_vaddr(d)
                                  : hart_.guest_address(addr);
  // An access to a page the OS has not mapped traps before it touches memory, and is checked
  // again when it runs after the fault (Linux maps a process's heap on first touch).
  if (has_addr && !hart_.checker_mapped(guest_addr)) return true;
  if (has_addr && repair(member, den, in, guest_addr, pc))
    return check(hart_, d, pc, addr, checked_);
  if (!engine_.wants_report())
    return stop_or_trap(pc, has_addr ? guest_addr : pc, Violation{hart_.id(), pc, {}, {}, {}, {}});
  const Explanation ex = p.explain(den, in, has_addr, guest_addr);
  const std::string kind = kind_of(ex, den, p);
  std::string s = fmt::format("tag violation: {}\n", kind);
  s += fmt::format("  policy {}, rule {}: {}\n", p.name(), den.rule, den.reason);
  s += fmt::format("  hart {}, pc {}\n", hart_.id(), engine_.where(hart_, pc));
  s += fmt::format("  instruction: {} (opgroup {})\n", disassemble(d, pc), opgroup_name(c.op));
  if (prev_pc_) s += fmt::format("  previous instruction: {}\n", engine_.where(hart_, prev_pc_));
  if (has_addr && guest_addr != addr)
    s += fmt::format("  address: 0x{:x} (physical 0x{:x})\n", guest_addr, addr);
  else if (has_addr)
    s += fmt::format("  address: 0x{:x}\n", addr);
  s += indent(ex.detail);
  s += "  tags:\n";
  s += tag_line("pc", pctag(), Site::kPc);
  s += tag_line("instruction", key.ci, Site::kInstruction);
  const unsigned read = key.mask[0] | key.mask[1];
  if (read & kRs1)
    s += tag_line(fmt::format("rs1 ({})", reg_name(ops.rs1, d.rs1)).c_str(), rs1, Site::kRegister);
  if (read & kRs2)
    s += tag_line(fmt::format("rs2 ({})", reg_name(ops.rs2, d.rs2)).c_str(), rs2, Site::kRegister);
  if (read & kRs3)
    s += tag_line(fmt::format("rs3 ({})", reg_name(ops.rs3, d.rs3)).c_str(), rs3, Site::kRegister);
  if (has_addr)
    s += tag_line(fmt::format("word 0x{:x}", addr & ~uint64_t{7}).c_str(), mem, Site::kMemory);
  return stop_or_trap(
      pc, has_addr ? guest_addr : pc,
      Violation{hart_.id(), pc, std::string(p.name()), std::string(den.rule), kind, s});
}

bool HartTagger::deny_call(uint8_t member, const Denial& den, uint64_t where, uint64_t pc) {
  if (!engine_.wants_report())
    return stop_or_trap(where, call_.args[0], Violation{hart_.id(), where, {}, {}, {}, {}});
  const Policy& p = engine_.policy(member);
  RuleInputs in{OpGroup::kCall, 0, 0, call_.arg_meta[0], call_.arg_meta[1], 0};
  const Explanation ex = p.explain(den, in, true, call_.args[0]);
  const std::string kind = kind_of(ex, den, p);
  std::string s = fmt::format("tag violation: {}\n", kind);
  s += fmt::format("  policy {}, rule {}: {}\n", p.name(), den.rule, den.reason);
  s += fmt::format("  hart {}, pc {}\n", hart_.id(), engine_.where(hart_, where));
  if (where != pc) s += fmt::format("  refused at: {}\n", engine_.where(hart_, pc));
  s += indent(ex.detail);
  s += "  tags:\n";
  s += tag_line("pc", pctag(), Site::kPc);
  s += tag_line("a0", xtag()[10], Site::kRegister);
  return stop_or_trap(
      where, call_.args[0],
      Violation{hart_.id(), where, std::string(p.name()), std::string(den.rule), kind, s});
}

bool HartTagger::stop_or_trap(uint64_t pc, uint64_t tval, Violation v) {
  const std::string report = v.report;
  const uint64_t count = engine_.record_violation(std::move(v));
  if (engine_.config().trap_on_violation) {
    // A guest that handles violations may cause millions: the first reports tell the story.
    constexpr uint64_t kPrinted = 100;
    if (count <= kPrinted)
      std::fprintf(stderr, "unitag: %s  delivered to the guest: mcause %llu, mtval 0x%llx\n",
                   report.c_str(), static_cast<unsigned long long>(kTagViolationCause),
                   static_cast<unsigned long long>(tval));
    if (count == kPrinted)
      std::fprintf(stderr,
                   "unitag: %llu tag violations delivered to the guest; further ones go without a "
                   "report (--stats counts them all, the debugger's `monitor violations` shows "
                   "the first %zu)\n",
                   static_cast<unsigned long long>(kPrinted), TagEngine::kKeptViolations);
    hart_.raise_trap(kTagViolationCause, tval);
    return false;
  }
  hart_.machine().request_stop(StopReason::kTagViolation, exit_code::kTagViolation, report,
                               static_cast<int>(hart_.id()), pc);
  return false;
}

std::string HartTagger::describe_last(const Hart&) const {
  if (checked_ == 0) return {};
  const RuleKey& k = keys_[last_entry_].last_key;
  std::string s = fmt::format("{}", opgroup_name(OpGroup(k.op() & 0x7f)));
  auto field = [&](const char* name, Tag t, Site site) {
    if (t) s += fmt::format(" {}=#{}({})", name, t, engine_.describe(t, site));
  };
  field("pc", k.pc(), Site::kPc);
  field("ci", k.ci(), Site::kInstruction);
  field("rs1", k.rs1(), Site::kRegister);
  field("rs2", k.rs2(), Site::kRegister);
  field("rs3", k.rs3(), Site::kRegister);
  field("mem", k.mem(), Site::kMemory);
  const RuleResult r = engine_.evaluate(k);  // the memo holds every rule the hart used
  if (!r.allow) {
    const Denial& d = engine_.denial(r.denial);
    return s + fmt::format(" -> deny ({}: {})", engine_.policy(r.denying_policy).name(), d.rule);
  }
  s += " -> allow";
  field("pc", r.pc, Site::kPc);
  field("rd", r.rd, Site::kRegister);
  field("mem", r.mem, Site::kMemory);
  return s;
}

// "tag x10" / "tag a0" / "tag f3" / "tag pc" / "tag mem ADDR" / "violations".
std::string HartTagger::monitor(Hart& hart, const std::string& command) {
  std::istringstream in(command);
  std::string verb, what, arg;
  in >> verb >> what >> arg;
  if (verb == "violations") {
    const auto list = engine_.violations();
    if (list.empty()) return "no tag violations\n";
    std::string s;
    for (const Violation& v : list) s += v.report;
    return s;
  }
  if (verb != "tag") return {};
  if (what == "pc")
    return fmt::format("pc: tag {} {}\n", pctag(), engine_.describe(pctag(), Site::kPc));
  if (what == "mem") {
    uint64_t addr = 0;
    try {
      addr = std::stoull(arg, nullptr, 0);
    } catch (const std::exception&) {
      return fmt::format("tag mem: '{}' is not an address; use e.g. tag mem 0x80001000\n", arg);
    }
    const Tag t = engine_.shadow().get(addr);
    return fmt::format("word 0x{:x}: tag {} {}\n", addr & ~uint64_t{7}, t,
                       engine_.describe(t, Site::kMemory));
  }
  for (unsigned i = 0; i < 32; ++i) {
    if (what == fmt::format("x{}", i) || what == xreg_name(i))
      return fmt::format("x{} ({}): tag {} {}\n", i, xreg_name(i), xtag()[i],
                         engine_.describe(xtag()[i], Site::kRegister));
    if (what == fmt::format("f{}", i) || what == freg_name(i))
      return fmt::format("f{} ({}): tag {} {}\n", i, freg_name(i), ftag()[i],
                         engine_.describe(ftag()[i], Site::kRegister));
  }
  return fmt::format(
      "tag: unknown operand '{}'; use x0-x31, f0-f31, an ABI name, pc, or mem ADDR\n", what);
}

}  // namespace unitag::tags
