/* Benign twin of the bounds bugs: names that fit their narrowed field, a list of accounts
   linked through pointers stored in heap memory (their bounds travel with them), globals
   reached by index, a realloc'd array, the same field narrowed again and again. Must run clean
   under bounds and any composite. */
#include <stdlib.h>
#include <string.h>

#include "bounds_guest.h"

long histogram[8];
long total_samples = 5;
static const char* const names[] = {"alice", "bob", "carol-the-careful", "dave"};

__attribute__((noinline)) void clear(long* bins, int n) {
  for (int i = 0; i < n; ++i) bins[i] = 0;
}

int main(void) {
  struct account* head = 0;
  for (int i = 0; i < 4; ++i) {
    struct account* a = calloc(1, sizeof *a);
    const size_t n = strlen(names[i]) < 15 ? strlen(names[i]) : 15;
    char* name = account_name(a);
    memcpy(name, names[i], n); /* truncated to fit, as the fixed code does */
    name[n] = 0;
    a->balance = 10 * (i + 1);
    a->next = head;
    head = a;
  }
  long sum = 0, letters = 0;
  for (struct account* a = head; a; a = a->next) {
    sum += a->balance;
    letters += (long)strlen(account_name(a));
  }
  clear(histogram, 8);
  for (int i = 0; i < 8; ++i) histogram[i] += i + total_samples;
  long* grow = malloc(4 * sizeof(long));
  for (int i = 0; i < 4; ++i) grow[i] = i;
  grow = realloc(grow, 64 * sizeof(long));
  for (int i = 4; i < 64; ++i) grow[i] = grow[i - 1] + grow[i - 4];
  print("sum", sum);
  print("letters", letters);
  print("histogram", histogram[7]);
  print("grow", grow[63] % 1000003);
  free(grow);
  while (head) {
    struct account* next = head->next;
    free(head);
    head = next;
  }
  return 0;
}
