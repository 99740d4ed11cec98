/* Stack buffer overflow inside one frame: a name copied without a length check runs from one
   local array into the next (the role that decides what the caller may do). `frame` cannot see
   it (both are the same frame's words); bounds gives each local array its own region from the
   image's DWARF at function entry. */
#include "tags_rt.h"

__attribute__((noinline)) void copy_name(char* dst, const char* src) {
  while ((*dst++ = *src++) != 0) {
  } /* BUG: no bound: a long name runs past dst */
}

__attribute__((noinline)) long role_is_admin(const char* role) {
  return role[0] == 'a' && role[1] == 'd' && role[2] == 'm';
}

__attribute__((noinline)) long is_admin(const char* input) {
  char name[16];
  char role[16] = "guest";
  copy_name(name, input);
  return role_is_admin(role) && name[0] != 0;
}

int main(void) {
  print("alice admin", is_admin("alice"));
  print("mallory admin", is_admin("mallory_________admin")); /* 16 bytes, then "admin" */
  return 0;
}
