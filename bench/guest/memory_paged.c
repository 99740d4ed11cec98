/* bench_memory, run in S-mode under Sv39 (paged.c). */
#define main bench_main
#include "memory.c"
