/* The runtime of the Juliet-style cases: `prog CASE bad|good` runs one variant of one case and
   returns 0 once it finished (a caught bad variant never gets there: the heap policy stops the
   machine with exit code 122). */
#include "juliet.h"

__attribute__((noipa)) size_t juliet_n(size_t n) { return n; }

__attribute__((noipa)) void juliet_use(const void* p, size_t bytes) {
  const unsigned char* b = p;
  unsigned sum = 0;
  for (size_t i = 0; i < bytes; ++i) sum = sum * 31u + b[i];
  printf("use %zu bytes, sum %08x\n", bytes, sum);
}

__attribute__((noipa)) void juliet_fill(void* p, size_t bytes) {
  unsigned char* b = p;
  for (size_t i = 0; i < bytes; ++i) b[i] = (unsigned char)(0x41 + i % 7);
}

__attribute__((noipa)) void juliet_fill_string(char* s, size_t n) {
  for (size_t i = 0; i + 1 < n; ++i) s[i] = 'A';
  s[n - 1] = '\0';
}

__attribute__((noipa)) void juliet_fill_wstring(wchar_t* s, size_t n) {
  for (size_t i = 0; i + 1 < n; ++i) s[i] = L'A';
  s[n - 1] = L'\0';
}

/* picolibc's semihosting crt0 passes "program-name" and the image's name before the guest
   arguments, so the case and the variant are the last two arguments. */
int main(int argc, char** argv) {
  const char* name = argc >= 3 ? argv[argc - 2] : "";
  const char* variant = argc >= 3 ? argv[argc - 1] : "";
  if (strcmp(variant, "bad") != 0 && strcmp(variant, "good") != 0) {
    printf("usage: IMAGE CASE bad|good (%zu cases)\n", juliet_case_count);
    return 2;
  }
  for (size_t i = 0; i < juliet_case_count; ++i) {
    if (strcmp(juliet_cases[i].name, name) != 0) continue;
    printf("%s %s\n", name, variant);
    (strcmp(variant, "bad") == 0 ? juliet_cases[i].bad : juliet_cases[i].good)();
    printf("finished\n");
    return 0;
  }
  printf("no case named %s\n", name);
  return 2;
}
