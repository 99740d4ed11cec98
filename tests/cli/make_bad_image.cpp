// Writes damaged copies of a good ELF image for the bad-input CLI tests:
//   make_bad_image truncate IN BYTES OUT    the first BYTES bytes of IN
//   make_bad_image bad-entry IN OUT         e_entry moved outside every segment
//   make_bad_image phoff-past-end IN OUT    program headers said to lie past the end of the file
#include <elf.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<char> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "make_bad_image: cannot read %s\n", path);
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const char* path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_bad_image: cannot write %s\n", path);
    std::exit(2);
  }
}

Elf64_Ehdr header(const std::vector<char>& bytes) {
  Elf64_Ehdr eh;
  if (bytes.size() < sizeof eh) {
    std::fprintf(stderr, "make_bad_image: input is not an ELF64 file\n");
    std::exit(2);
  }
  std::memcpy(&eh, bytes.data(), sizeof eh);
  return eh;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string kind = argc > 1 ? argv[1] : "";
  if (kind == "truncate" && argc == 5) {
    std::vector<char> bytes = read_file(argv[2]);
    bytes.resize(std::min<size_t>(bytes.size(), std::strtoull(argv[3], nullptr, 0)));
    write_file(argv[4], bytes);
    return 0;
  }
  if ((kind == "bad-entry" || kind == "phoff-past-end") && argc == 4) {
    std::vector<char> bytes = read_file(argv[2]);
    Elf64_Ehdr eh = header(bytes);
    if (kind == "bad-entry")
      eh.e_entry = 0x1234;
    else
      eh.e_phoff = bytes.size() + 4096;
    std::memcpy(bytes.data(), &eh, sizeof eh);
    write_file(argv[3], bytes);
    return 0;
  }
  std::fprintf(stderr,
               "usage: make_bad_image truncate IN BYTES OUT | bad-entry IN OUT | "
               "phoff-past-end IN OUT\n");
  return 2;
}
