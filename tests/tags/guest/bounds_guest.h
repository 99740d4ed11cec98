/* What the bounds test guests share: a record whose name field is narrowed with tag.bound, so
   an overflow of the name into the next field is caught (heap's colours see one block). */
#pragma once
#include <stddef.h>

#include "abi/unitag/bootinfo.h"
#include "abi/unitag/tag_isa.h"
#include "tags_rt.h"

struct account {
  char name[16];
  long balance;
  struct account* next;
};

/* tag.bound is illegal where nothing checks tags (QEMU): narrow only on a tagged run. */
static inline char* account_name(struct account* a) {
  const struct unitag_bootinfo* b = (const struct unitag_bootinfo*)bare_boot_arg;
  if (b == 0 || b->magic != UNITAG_BOOTINFO_MAGIC || b->policies == 0) return a->name;
  return unitag_tag_bound(a->name, sizeof a->name);
}

/* Copies a string byte by byte, as strcpy does, with no idea of the destination's size. */
__attribute__((noinline, unused)) static void copy_name(char* dst, const char* src) {
  while ((*dst++ = *src++) != 0) {
  }
}
