# unitag_guest_test(NAME <test> IMAGE <name-without-.elf>
#     [ARGS <unitag run flags>...] [GUEST_ARGS <args after -->...]
#     [EXPECT_EXIT <code>]            default 0
#     [EXPECT_OUTPUT <file>]          guest stdout must equal this file
#     [EXPECT_REGEX <regex>]          guest stdout must match
#     [EXPECT_STDERR_REGEX <regex>]   unitag's stderr must match
#     [QEMU] [QEMU_ARGS <args>...]    also run on qemu-system-riscv64 -machine virt -bios none:
#                                     stdout and exit code must be identical to unitag's
#     [STDIN <file>] [TIMEOUT <s>] [LABELS <labels>...]
#     [SEMIHOST]                      run with --semihost; QEMU gets -semihosting-config with the
#                                     console on its stdio (in place of the UART)
#     [SCRATCH_DIR <dir>] [SCRATCH_FILES <files>...]
#                                     run in <dir>, recreated before each run (unitag, then QEMU)
#                                     holding copies of <files>, so file-writing guests start alike)
# Runs `unitag run` on a guest image from UNITAG_GUEST_BIN through cmake/guest_test.cmake.
function(unitag_guest_test)
  cmake_parse_arguments(T "QEMU;SEMIHOST" "NAME;IMAGE;EXPECT_EXIT;EXPECT_OUTPUT;EXPECT_REGEX;EXPECT_STDERR_REGEX;STDIN;TIMEOUT;SCRATCH_DIR"
                        "ARGS;GUEST_ARGS;QEMU_ARGS;LABELS;SCRATCH_FILES" ${ARGN})
  if(NOT DEFINED T_EXPECT_EXIT)
    set(T_EXPECT_EXIT 0)
  endif()
  if(NOT DEFINED T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  # UNITAG_GUEST_TESTS_ALSO_INTERP (set in a test directory): each test runs as given (on the
  # default engine) and again on --engine interp as NAME.interp, with the same expectations.
  set(engines default)
  if(UNITAG_GUEST_TESTS_ALSO_INTERP)
    list(APPEND engines interp)
  endif()
  foreach(engine ${engines})
    set(name ${T_NAME})
    set(run_args ${T_ARGS})
    set(scratch_dir ${T_SCRATCH_DIR})
    if(engine STREQUAL "interp")
      set(name ${T_NAME}.interp)
      list(PREPEND run_args --engine interp)
      # A sibling, not a subdirectory: the default engine's run empties its own directory
      # first, which would pull this one from under a run going on in parallel.
      if(scratch_dir)
        set(scratch_dir ${scratch_dir}.interp)
      endif()
    endif()
    _unitag_add_guest_test()
  endforeach()
endfunction()

# One test of unitag_guest_test (a macro: it reads the function's parsed arguments).
macro(_unitag_add_guest_test)
  string(REPLACE ";" "\\;" args "${run_args}")
  string(REPLACE ";" "\\;" guest_args "${T_GUEST_ARGS}")
  string(REPLACE ";" "\\;" qemu_args "${T_QEMU_ARGS}")
  string(REPLACE ";" "\\;" scratch_files "${T_SCRATCH_FILES}")
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND}
      -DUNITAG=$<TARGET_FILE:unitag>
      -DIMAGE=${UNITAG_GUEST_BIN}/${T_IMAGE}.elf
      -DARGS=${args}
      -DGUEST_ARGS=${guest_args}
      -DEXPECT_EXIT=${T_EXPECT_EXIT}
      -DEXPECT_OUTPUT=${T_EXPECT_OUTPUT}
      -DEXPECT_REGEX=${T_EXPECT_REGEX}
      -DEXPECT_STDERR_REGEX=${T_EXPECT_STDERR_REGEX}
      -DQEMU=${T_QEMU}
      -DQEMU_ARGS=${qemu_args}
      -DSTDIN=${T_STDIN}
      -DTIMEOUT=${T_TIMEOUT}
      -DSEMIHOST=${T_SEMIHOST}
      -DSCRATCH_DIR=${scratch_dir}
      -DSCRATCH_FILES=${scratch_files}
      -P ${CMAKE_SOURCE_DIR}/cmake/guest_test.cmake)
  set(labels guest ${T_LABELS})
  if(T_QEMU)
    list(APPEND labels qemu)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${T_TIMEOUT})
endmacro()
