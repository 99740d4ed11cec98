/* picolibc's tiny stdio streams for stdin, stdout and stderr, bound to the kernel console.
   (C, because FDEV_SETUP_STREAM is a C designated initializer.) */
#include <stdio.h>

int uk_console_put(char c, FILE* f);
int uk_console_get(FILE* f);
int uk_console_flush(FILE* f);

static FILE uk_console_stream = FDEV_SETUP_STREAM(uk_console_put, uk_console_get, uk_console_flush,
                                                  _FDEV_SETUP_RW);
FILE* const stdin = &uk_console_stream;
FILE* const stdout = &uk_console_stream;
FILE* const stderr = &uk_console_stream;
