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

# unitag_add_semihost(NAME [FP] SOURCES...): a stock picolibc program that talks to the host
# through RISC-V semihosting (crt0 and libc from picolibc, --oslib=semihost), linked for QEMU
# virt's RAM exactly as the picolibc documentation does, so the same ELF runs on
# `unitag run --semihost` and `qemu-system-riscv64 -semihosting-config enable=on`.
function(unitag_add_semihost name)
  cmake_parse_arguments(ARG "FP" "" "" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" RUNTIME_OUTPUT_DIRECTORY ${UNITAG_GUEST_BIN})
  target_compile_options(${name} PRIVATE --specs=picolibc.specs -O2 -g -Wall)
  target_link_options(${name} PRIVATE --specs=picolibc.specs --crt0=semihost --oslib=semihost
                      -T picolibc.ld -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=4M
                      -Wl,--defsym=__ram=0x80400000 -Wl,--defsym=__ram_size=60M)
  if(ARG_FP)
    target_compile_options(${name} PRIVATE ${UNITAG_FP_FLAGS})
    target_link_options(${name} PRIVATE ${UNITAG_FP_FLAGS})
  endif()
endfunction()
