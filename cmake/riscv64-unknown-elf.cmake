# CMake toolchain file for guest code: Debian's riscv64-unknown-elf GCC with picolibc.
# UNITAG_GUEST_FP selects the multilib: OFF = rv64imac/lp64, ON = rv64imafdc/lp64d.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# -march=..._zicsr_zifencei would make multilib selection pick the wrong library set;
# -misa-spec=2.2 implies Zicsr and Zifencei.
set(UNITAG_GUEST_ARCH "-march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany")
set(CMAKE_C_FLAGS_INIT "${UNITAG_GUEST_ARCH}")
set(CMAKE_CXX_FLAGS_INIT "${UNITAG_GUEST_ARCH}")
set(CMAKE_ASM_FLAGS_INIT "${UNITAG_GUEST_ARCH}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
