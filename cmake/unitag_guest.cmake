# Helpers for guest images. Every image lands in UNITAG_GUEST_BIN as NAME.elf.

# Flags that switch a target from the default rv64imac/lp64 to rv64imafdc/lp64d (F and D).
set(UNITAG_FP_FLAGS -march=rv64imafdc -misa-spec=2.2 -mabi=lp64d)

# unitag_add_bare(NAME [FP] SOURCES...): a bare-metal image with the tiny runtime in guest/bare:
# _start, 16 KiB stack per hart (8 harts), UART output, exit through the test finisher.
# FP builds it for rv64imafdc/lp64d.
function(unitag_add_bare name)
  cmake_parse_arguments(ARG "FP" "" "" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" RUNTIME_OUTPUT_DIRECTORY ${UNITAG_GUEST_BIN})
  if(ARG_FP)
    target_link_libraries(${name} PRIVATE unitag_bare_runtime_fp)
  else()
    target_link_libraries(${name} PRIVATE unitag_bare_runtime)
  endif()
  target_link_options(${name} PRIVATE -nostartfiles -nostdlib -static
                      -T ${UNITAG_ROOT}/guest/bare/bare.ld -Wl,--no-warn-rwx-segments)
  target_link_libraries(${name} PRIVATE gcc)
  target_compile_options(${name} PRIVATE -O2 -g -ffreestanding -fno-builtin -Wall)
endfunction()
