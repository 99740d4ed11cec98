# Boots the cached Linux kernel and initramfs (scripts/build-linux --cached; the test is skipped,
# through its SKIP_REGULAR_EXPRESSION, when they are not built) under Debian's OpenSBI on HARTS harts, on unitag and, with
# QEMU set, on qemu-system-riscv64 -machine virt, and checks that /init ran and powered off.
include(${CMAKE_CURRENT_LIST_DIR}/cached_linux.cmake)
if(NOT linux_cached)
  return()
endif()
set(append "console=ttyS0 earlycon=sbi")
set(wanted "init: hello from user space on Linux\ninit: ${HARTS} CPUs online\ninit: powering off")
set(cmd ${UNITAG} run --harts ${HARTS} --firmware ${FIRMWARE} --kernel ${image} --initrd ${initrd}
        --append ${append} --timeout ${TIMEOUT} --stats ${STATS})
execute_process(COMMAND ${cmd} INPUT_FILE /dev/null OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE code)
string(FIND "${out}" "${wanted}" at)
if(NOT code EQUAL 0 OR at LESS 0)
  string(REPLACE ";" " " shown "${cmd}")
  message(FATAL_ERROR "unitag: exit ${code}, /init's lines ${at}\n${shown}\n${out}\n${err}")
endif()
if(QEMU)
  execute_process(COMMAND qemu-system-riscv64 -machine virt -smp ${HARTS} -m 128M -nographic
                          -monitor none -serial stdio -bios ${FIRMWARE} -kernel ${image}
                          -initrd ${initrd} -append ${append}
    INPUT_FILE /dev/null OUTPUT_VARIABLE qout ERROR_VARIABLE qerr RESULT_VARIABLE qcode
    TIMEOUT ${TIMEOUT})
  string(FIND "${qout}" "${wanted}" qat)
  if(NOT qcode EQUAL 0 OR qat LESS 0)
    message(FATAL_ERROR "QEMU: exit ${qcode}, /init's lines ${qat}\n${qout}\n${qerr}")
  endif()
endif()
