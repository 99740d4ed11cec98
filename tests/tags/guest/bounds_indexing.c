/* Legal indexing that a binary-level bounds checker must not mistake for a bug: loops counting
   down over adjacent global and local arrays of different element types (a static address at
   one array's last element is one element below the next), `buf[i - 1]` loops (the -1 folded
   into the offset), byte views of int arrays, 2-D arrays, struct arrays, a pointer into the
   middle of an array indexed below it. Stock picolibc semihosting images, built at -O2 and -Os;
   must run clean under bounds and any composite. */
#include <stdio.h>
#include <string.h>
__attribute__((noinline)) int n(int x) {
  __asm__ volatile("" : "+r"(x));
  return x;
}
static int ia[8];
static char ca[10];
static char cb[16];
static short sa[6];
static int ib[8];
static struct {
  int a;
  char c;
} sarr[4];
static unsigned char grid[4][7];
static long la[5];
__attribute__((noinline)) unsigned globals(void) {
  unsigned s = 0;
  for (int i = 0; i < n(8); i++) ia[i] = i * 3;
  for (int i = n(7); i >= 0; i--) s += ia[i];
  for (int i = 1; i <= n(10); i++) ca[i - 1] = (char)i;
  for (int i = 0; i < n(10); i++) s += ca[n(9) - i];
  for (int i = 1; i <= n(16); i++) cb[i - 1] = (char)(i * 7);
  for (int i = 0; i < n(16); i++) s += (unsigned char)cb[15 - i];
  unsigned char* bytes = (unsigned char*)ia;
  for (int i = 0; i < n(32); i++) s += bytes[31 - i];
  for (int i = 1; i <= n(6); i++) sa[i - 1] = (short)i;
  for (int i = n(5); i >= 0; i--) s += sa[i];
  for (int i = 1; i <= n(8); i++) ib[i - 1] = i;
  for (int i = 0; i < n(8); i++) s += ib[7 - i];
  for (int i = 0; i < n(4); i++) {
    sarr[i].a = i;
    sarr[i].c = (char)i;
  }
  for (int i = n(3); i >= 0; i--) s += sarr[i].a + sarr[i].c;
  for (int r = 0; r < n(4); r++)
    for (int c = 1; c <= n(7); c++) grid[r][c - 1] = (unsigned char)(r + c);
  for (int r = n(3); r >= 0; r--)
    for (int c = n(6); c >= 0; c--) s += grid[r][c];
  int* mid = &ia[4];
  for (int k = -4; k < n(4); k++) s += mid[k];
  for (int i = 1; i <= n(5); i++) la[i - 1] = i;
  for (int i = n(4); i >= 0; i--) s += (unsigned)la[i];
  ca[n(9)] = 0;
  s += (unsigned)strlen(ca) + (unsigned)memcmp(cb, ca, 4);
  return s;
}
__attribute__((noinline)) unsigned locals(void) {
  int a[8];
  char c[10];
  short sh[6];
  char d[13];
  long l[3];
  unsigned s = 0;
  for (int i = 1; i <= n(8); i++) a[i - 1] = i;
  for (int i = 1; i <= n(10); i++) c[i - 1] = (char)i;
  for (int i = 1; i <= n(6); i++) sh[i - 1] = (short)i;
  for (int i = 1; i <= n(13); i++) d[i - 1] = (char)(i + 1);
  for (int i = 1; i <= n(3); i++) l[i - 1] = i;
  for (int i = n(7); i >= 0; i--) s += a[i];
  for (int i = 0; i < n(10); i++) s += c[9 - i];
  for (int i = 0; i < n(13); i++) s += d[n(12) - i];
  unsigned char* b = (unsigned char*)a;
  for (int i = 0; i < n(32); i++) s += b[31 - i];
  for (int i = n(5); i >= 0; i--) s += sh[i];
  for (int i = n(2); i >= 0; i--) s += (unsigned)l[i];
  int k = n(3);
  s += a[k - 1] + c[k - 1] + d[k + 8] + sh[k - 3];
  return s;
}
int main(void) {
  printf("globals %u\nlocals %u\n", globals(), locals());
  return 0;
}
