# Tag policies on a whole Linux boot (docs/linux.md#tags-on-linux): OpenSBI, the kernel and the
# user programs under POLICY on HARTS harts, with the kernel's vmlinux and the programs' ELFs as
# --symbols. Without PROGRAM: a clean boot of the cached initramfs must reach /init's lines and
# power off with the policies on (no false positive anywhere in the system). With PROGRAM (a
# static glibc binary) and its arguments in ARGS: /init runs it from an initramfs packed here
# (with FILES beside it in /bin), and
# the run must end with EXPECT_EXIT and match EXPECT_REGEX (stdout and stderr together).
# Skipped, like boot.linux_*, while the kernel is not built (scripts/build-linux).
include(${CMAKE_CURRENT_LIST_DIR}/cached_linux.cmake)
if(NOT linux_cached)
  return()
endif()
get_filename_component(kernel_dir ${image} DIRECTORY)
get_filename_component(initrd_dir ${initrd} DIRECTORY)
set(vmlinux ${kernel_dir}/build/vmlinux)
set(symbols --symbols ${vmlinux} --symbols ${initrd_dir}/init)
set(append "console=ttyS0 quiet")
if(PROGRAM)
  get_filename_component(name ${PROGRAM} NAME)
  get_filename_component(test_name ${STATS} NAME_WE)  # one per test: tests run in parallel
  set(initrd ${WORK}/${test_name}.cpio)
  execute_process(COMMAND ${BUILD_LINUX} --initramfs ${initrd} ${PROGRAM} ${FILES}
                  OUTPUT_QUIET RESULT_VARIABLE packed ERROR_VARIABLE why)
  if(NOT packed EQUAL 0)
    message(FATAL_ERROR "scripts/build-linux --initramfs: ${why}")
  endif()
  list(APPEND symbols --symbols ${PROGRAM})
  string(REPLACE ";" " " args "${ARGS}")
  set(append "${append} -- /bin/${name} ${args}")
endif()
set(cmd ${UNITAG} run --harts ${HARTS} --firmware ${FIRMWARE} --kernel ${image} --initrd ${initrd}
        --append ${append} --policy ${POLICY} ${symbols} --timeout ${TIMEOUT} --stats ${STATS})
execute_process(COMMAND ${cmd} INPUT_FILE /dev/null OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE code)
string(REPLACE ";" " " shown "${cmd}")
if("${EXPECT_EXIT}" STREQUAL "")
  set(EXPECT_EXIT 0)
endif()
if(NOT PROGRAM)
  set(EXPECT_REGEX "init: hello from user space on Linux\ninit: ${HARTS} CPUs online\n")
endif()
if(NOT code EQUAL EXPECT_EXIT OR NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "exit ${code} (wanted ${EXPECT_EXIT}), wanted /${EXPECT_REGEX}/\n"
                      "${shown}\n${out}\n${err}")
endif()
# The policies ran: the kernel's and the processes' instructions were checked.
file(READ ${STATS} stats)
string(JSON checked GET "${stats}" tags checked_instructions)
string(JSON instructions GET "${stats}" instructions)
if(checked LESS 10000000)
  message(FATAL_ERROR "only ${checked} instructions checked of ${instructions}\n${shown}")
endif()
message("${checked} of ${instructions} instructions checked under ${POLICY}")
