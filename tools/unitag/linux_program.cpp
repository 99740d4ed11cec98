#include "tools/unitag/linux_program.h"

#include <elf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "abi/unitag/bootinfo.h"
#include "abi/unitag/linux_boot.h"
#include "machine/errors.h"

extern char** environ;

namespace unitag {
namespace {

constexpr uint64_t kPage = 4096;
// The kernel needs this much heap beside the program for page tables, user pages and stacks.
constexpr uint64_t kMinimumKernelHeap = 8ull << 20;

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw UserError(exit_code::kBadImage, fmt::format("{}: {}", path, what));
}

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError(exit_code::kNoInput, fmt::format("{} {}: cannot open ({}); check the path",
                                                     what, path, std::strerror(errno)));
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

template <typename T>
bool read_at(const std::vector<uint8_t>& b, uint64_t off, T& out) {
  if (off > b.size() || b.size() - off < sizeof(T)) return false;
  std::memcpy(&out, b.data() + off, sizeof(T));
  return true;
}

// A block being laid out: appends return the offset of what they added.
struct Block {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(sizeof(unitag_linux_boot));
  uint64_t add(const void* data, size_t n, size_t align = 1) {
    bytes.resize((bytes.size() + align - 1) / align * align);
    const uint64_t at = bytes.size();
    bytes.insert(bytes.end(), static_cast<const uint8_t*>(data),
                 static_cast<const uint8_t*>(data) + n);
    return at;
  }
  uint64_t add_string(const std::string& s) { return add(s.c_str(), s.size() + 1); }
};

}  // namespace

std::optional<LinuxProgram> detect_linux_program(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::vector<uint8_t> b = read_file(path, "program");
  Elf64_Ehdr eh;
  if (!read_at(b, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_RISCV)
    return std::nullopt;  // not ours to judge: ElfImage::load names the problem
  if (eh.e_ident[EI_OSABI] != ELFOSABI_SYSV && eh.e_ident[EI_OSABI] != ELFOSABI_GNU)
    return std::nullopt;
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) return std::nullopt;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) return std::nullopt;
  bool below_ram = false, has_interp = false;
  std::string interp;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (!read_at(b, eh.e_phoff + uint64_t{i} * sizeof ph, ph))
      return std::nullopt;  // undecidable: the loader's checks name what is wrong
    if (ph.p_type == PT_INTERP) {
      has_interp = true;
      if (ph.p_offset < b.size())
        interp.assign(reinterpret_cast<const char*>(b.data() + ph.p_offset),
                      strnlen(reinterpret_cast<const char*>(b.data() + ph.p_offset),
                              std::min<uint64_t>(ph.p_filesz, b.size() - ph.p_offset)));
    }
    if (ph.p_type == PT_LOAD && ph.p_vaddr < 0x80000000ull) below_ram = true;
  }
  // A unitag image is linked into RAM; a Linux executable below it, or position-independent.
  if (!has_interp && !below_ram && eh.e_type == ET_EXEC) return std::nullopt;
  if (has_interp)
    bad(path, fmt::format("dynamically linked Linux program (interpreter {}); unitag runs "
                          "static Linux binaries: link it with -static, e.g. "
                          "riscv64-linux-gnu-gcc-12 -static",
                          interp.empty() ? "unknown" : interp));
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    read_at(b, eh.e_phoff + uint64_t{i} * sizeof ph, ph);
    if (ph.p_type != PT_LOAD) continue;
    if (ph.p_filesz > ph.p_memsz)
      bad(path, fmt::format("corrupt ELF: segment {} has filesz > memsz", i));
    if (ph.p_offset > b.size() || b.size() - ph.p_offset < ph.p_filesz)
      bad(path, fmt::format("corrupt ELF: segment {} extends past the end of the file "
                            "(truncated?)",
                            i));
    if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr || ph.p_vaddr + ph.p_memsz > (1ull << 38))
      bad(path, fmt::format("segment {} at 0x{:x} lies outside the 256 GiB user address space", i,
                            ph.p_vaddr));
  }
  return LinuxProgram{path, std::move(b)};
}

std::string linux_personality_image() {
  if (const char* env = std::getenv("UNITAG_LINUX_IMAGE"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string path = (self.parent_path() / "guest" / "linux_abi.elf").string();
  if (ec || !std::filesystem::exists(path))
    throw UserError(exit_code::kNoInput,
                    fmt::format("the Linux personality image {} is missing; build it (make) or "
                                "set UNITAG_LINUX_IMAGE",
                                path));
  return path;
}

std::vector<std::string> linux_environment(bool clear, const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  if (!clear)
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  for (const std::string& o : overrides) {
    const size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UserError(exit_code::kUsage, fmt::format("--env {}: give NAME=VALUE", o));
    const std::string prefix = o.substr(0, eq + 1);
    std::erase_if(env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    env.push_back(o);
  }
  return env;
}

void place_linux_program(Machine& machine, const ElfImage& kernel, const LinuxProgram& program,
                         const std::vector<std::string>& args,
                         const std::vector<std::string>& files,
                         const std::vector<std::string>& environment) {
  if (machine.partitions().count())
    throw UserError(exit_code::kUsage, "a Linux program runs without --partition");
  Block block;
  unitag_linux_boot head{};
  head.magic = UNITAG_LINUX_BOOT_MAGIC;
  head.version = UNITAG_LINUX_BOOT_VERSION;
  head.flags = isatty(STDOUT_FILENO) ? UNITAG_LINUX_CONSOLE_IS_TTY : 0;
  head.program_offset = block.add(program.bytes.data(), program.bytes.size(), 16);
  head.program_size = program.bytes.size();
  // argv[0] as given, like Linux and qemu-riscv64.
  head.strings_offset = block.add_string(program.path);
  for (const std::string& a : args) block.add_string(a);
  head.argc = static_cast<uint32_t>(args.size() + 1);
  for (const std::string& e : environment) block.add_string(e);
  head.envc = static_cast<uint32_t>(environment.size());
  std::vector<unitag_linux_file> table;
  for (const std::string& spec : files) {
    const size_t eq = spec.find('=');
    const std::string host = eq == std::string::npos ? spec : spec.substr(0, eq);
    std::string guest = eq == std::string::npos ? std::filesystem::path(host).filename().string()
                                                : spec.substr(eq + 1);
    if (guest.empty() || host.empty())
      throw UserError(exit_code::kUsage,
                      fmt::format("--file {}: give HOST or HOST=GUEST_PATH", spec));
    if (guest[0] != '/') guest = "/" + guest;
    const std::vector<uint8_t> data = read_file(host, "--file");
    unitag_linux_file f{};
    f.path_offset = block.add_string(guest);
    f.data_offset = block.add(data.data(), data.size(), 16);
    f.size = data.size();
    table.push_back(f);
  }
  head.files_offset = block.add(table.data(), table.size() * sizeof(unitag_linux_file), 8);
  head.file_count = static_cast<uint32_t>(table.size());
  head.realtime_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  std::random_device rd;
  for (uint8_t& byte : head.random) byte = static_cast<uint8_t>(rd());
  head.total_size = block.bytes.size();
  std::memcpy(block.bytes.data(), &head, sizeof head);

  uint64_t image_end = 0;
  for (const ElfSegment& s : kernel.segments()) image_end = std::max(image_end, s.paddr + s.memsz);
  const uint64_t info_address = machine.bootinfo_address();
  const uint64_t size = (head.total_size + kPage - 1) & ~(kPage - 1);
  if (info_address < size || info_address - size < image_end + kMinimumKernelHeap)
    throw UserError(exit_code::kUsage,
                    fmt::format("{} and its files ({} KiB) do not fit in RAM beside the kernel; "
                                "give a larger --mem",
                                program.path, size >> 10));
  const uint64_t base = info_address - size;
  uint8_t* ram = machine.bus().ram();
  std::memcpy(ram + (base - Bus::kRamBase), block.bytes.data(), block.bytes.size());
  unitag_bootinfo info;
  std::memcpy(&info, ram + (info_address - Bus::kRamBase), sizeof info);
  info.ram_size = base - info.ram_base;
  std::memcpy(ram + (info_address - Bus::kRamBase), &info, sizeof info);
}

}  // namespace unitag
