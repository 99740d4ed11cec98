/* bench_mandel_int, run in S-mode under Sv39 (paged.c). */
#define main bench_main
#include "mandel_int.c"
