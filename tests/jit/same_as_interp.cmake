# Runs IMAGE on --engine interp and on --engine jit (cmake -P; see tests/jit/CMakeLists.txt):
# stdout and exit code must be equal and, with COMPARE_COUNTS, the instructions retired too
# (--stats), which holds where no host timing (timer interrupts) steers the guest. EXPECT_JIT:
# the host has the tier, so the jit run must report `engine: jit`.
if(NOT EXISTS "${IMAGE}")
  message(FATAL_ERROR "guest image ${IMAGE} is missing: was the guest build run?")
endif()
foreach(engine interp jit)
  execute_process(COMMAND ${UNITAG} run ${ARGS} --engine ${engine} --stats ${WORK_DIR}/${engine}.json
                          ${IMAGE}
    INPUT_FILE /dev/null OUTPUT_VARIABLE out_${engine} ERROR_VARIABLE err_${engine}
    RESULT_VARIABLE code_${engine} TIMEOUT 120)
  file(READ ${WORK_DIR}/${engine}.json stats_${engine})
  string(JSON insns_${engine} GET "${stats_${engine}}" instructions)
  string(JSON engine_${engine} GET "${stats_${engine}}" per_hart 0 engine)
endforeach()
if(EXPECT_JIT AND NOT engine_jit STREQUAL "jit")
  message(SEND_ERROR "--engine jit ran on ${engine_jit}")
endif()
if(NOT "${code_interp}" STREQUAL "${code_jit}")
  message(SEND_ERROR "exit code ${code_jit} on jit, ${code_interp} on interp\n${err_jit}")
endif()
if(NOT out_interp STREQUAL out_jit)
  message(SEND_ERROR "output differs\n--- interp ---\n${out_interp}\n--- jit ---\n${out_jit}")
endif()
if(COMPARE_COUNTS AND NOT insns_interp STREQUAL insns_jit)
  message(SEND_ERROR "instructions: ${insns_jit} on jit, ${insns_interp} on interp")
endif()
message(STATUS "exit ${code_jit}, ${insns_jit} instructions on jit, ${insns_interp} on interp")
