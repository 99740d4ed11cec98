# Helpers for guest images. Every image lands in UNITAG_GUEST_BIN as NAME.elf.

# unitag_add_bare(NAME SOURCES...): a bare-metal image with the tiny test runtime
# (tests/guest/common): _start, per-hart stacks, UART output, exit through the test finisher.
function(unitag_add_bare name)
  add_executable(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" RUNTIME_OUTPUT_DIRECTORY ${UNITAG_GUEST_BIN})
  target_link_libraries(${name} PRIVATE unitag_bare_runtime)
  target_link_options(${name} PRIVATE -nostartfiles -nostdlib -static
                      -T ${UNITAG_ROOT}/tests/guest/common/bare.ld -Wl,--no-warn-rwx-segments)
  target_compile_options(${name} PRIVATE -O2 -g -ffreestanding -fno-builtin -Wall)
endfunction()
