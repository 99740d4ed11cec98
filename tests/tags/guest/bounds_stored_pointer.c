/* The narrowed pointer travels through memory: stored in a request, loaded back by a handler
   that appends a suffix past the field's end. The bounds come with the loaded pointer, so the
   overflow into the balance is caught where the handler writes, not where the pointer was made. */
#include <stdlib.h>

#include "bounds_guest.h"

struct request {
  char* name; /* the account's name field, narrowed */
  const char* suffix;
};

__attribute__((noinline)) void append_suffix(struct request* r) {
  char* p = r->name;
  while (*p) ++p;
  for (const char* s = r->suffix; *s; ++s) *p++ = *s; /* BUG: no room check */
  *p = 0;
}

int main(void) {
  struct account* a = calloc(1, sizeof *a);
  a->balance = 100;
  copy_name(account_name(a), "eve");
  struct request* r = malloc(sizeof *r);
  r->name = account_name(a);
  r->suffix = "-administrator!";
  append_suffix(r);
  print("balance", a->balance);
  return 0;
}
