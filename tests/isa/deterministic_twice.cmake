# Runs one guest image twice with `unitag run --deterministic --stats FILE` and fails unless both
# runs print the same UART output, end with the same exit code and report the same instruction
# counts (total and, per hart, instructions, cycles, traps, decoded instructions).
# Usage: cmake -DUNITAG=... -DIMAGE=... -DARGS="--harts;4" [-DGUEST_ARGS="a;b"] -DWORK_DIR=...
#        -P deterministic_twice.cmake
if(NOT EXISTS "${IMAGE}")
  message(FATAL_ERROR "guest image ${IMAGE} is missing: was the guest build run?")
endif()
file(MAKE_DIRECTORY ${WORK_DIR})
set(guest_args)
if(GUEST_ARGS)
  set(guest_args -- ${GUEST_ARGS})
endif()
foreach(run 1 2)
  execute_process(COMMAND ${UNITAG} run ${ARGS} --deterministic --stats ${WORK_DIR}/stats${run}.json ${IMAGE} ${guest_args}
    INPUT_FILE /dev/null OUTPUT_VARIABLE out${run} ERROR_VARIABLE err${run} RESULT_VARIABLE code${run}
    TIMEOUT 60)
  if(NOT code${run} EQUAL 0)
    message(FATAL_ERROR "run ${run} exited with ${code${run}}:\n${err${run}}")
  endif()
  file(READ ${WORK_DIR}/stats${run}.json json${run})
endforeach()
if(NOT out1 STREQUAL out2)
  message(FATAL_ERROR "the two deterministic runs printed different output\n--- 1 ---\n${out1}\n--- 2 ---\n${out2}")
endif()
string(JSON total1 GET "${json1}" instructions)
string(JSON total2 GET "${json2}" instructions)
if(total1 EQUAL 0 OR NOT total1 EQUAL total2)
  message(FATAL_ERROR "total instructions differ (or are zero): ${total1} vs ${total2}")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../per_hart_differences.cmake)
per_hart_differences(differences "${json1}" "${json2}" instructions cycles traps
                     decoded_instructions)
if(differences)
  message(FATAL_ERROR "the two runs differ (first vs second):\n${differences}")
endif()
string(JSON harts1 LENGTH "${json1}" per_hart)
math(EXPR last "${harts1} - 1")
foreach(h RANGE ${last})
  string(JSON a GET "${json1}" per_hart ${h} instructions)
  message(STATUS "hart ${h}: ${a} instructions in both runs")
endforeach()
message(STATUS "identical: ${total1} instructions, output of ${harts1} harts")
