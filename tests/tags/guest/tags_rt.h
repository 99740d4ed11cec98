/* Helpers for the tag policy test guests: printing, and a sink that
   keeps the compiler from optimising bugs away. */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#include "runtime.h"

void print(const char* label, int64_t value); /* "label value\n" */
extern volatile uintptr_t tags_sink;
#ifdef __cplusplus
}
#endif
