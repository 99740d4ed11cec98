# Runs IMAGE on --engine interp and on --engine jit (cmake -P; see tests/jit/CMakeLists.txt):
# stdout and exit code must be equal and, with COMPARE_COUNTS, the instructions retired too
# (--stats), which holds where no host timing (timer interrupts) steers the guest. EXPECT_JIT:
# the host has the tier, so the jit run must report `engine: jit`; with EXPECT_TRANSLATED every
# hart that ran more than a few instructions must also have run translated blocks.
# COMPARE_TAGS: a tagged run (ARGS has --policy), whose modeled cycles and tag statistics (rule
# cache, checks, violations) must be equal too. COMPARE_HARTS: every hart's instructions and
# modeled cycles must be equal (a deterministic run of several harts: the turns must interleave
# the same way on both engines). GUEST_ARGS follow the image after `--`. EXPECT_RESPECIALISED:
# below.
if(NOT EXISTS "${IMAGE}")
  message(FATAL_ERROR "guest image ${IMAGE} is missing: was the guest build run?")
endif()
foreach(engine interp jit)
  execute_process(COMMAND ${UNITAG} run ${ARGS} --engine ${engine} --stats ${WORK_DIR}/${engine}.json
                          ${IMAGE} ${GUEST_ARGS}
    INPUT_FILE /dev/null OUTPUT_VARIABLE out_${engine} ERROR_VARIABLE err_${engine}
    RESULT_VARIABLE code_${engine} TIMEOUT 120)
  file(READ ${WORK_DIR}/${engine}.json stats_${engine})
  string(JSON insns_${engine} GET "${stats_${engine}}" instructions)
  string(JSON engine_${engine} GET "${stats_${engine}}" per_hart 0 engine)
  if(COMPARE_TAGS)
    string(JSON cycles_${engine} GET "${stats_${engine}}" per_hart 0 cycles)
    string(JSON tags_${engine} GET "${stats_${engine}}" tags)
  endif()
endforeach()
if(COMPARE_TAGS AND NOT cycles_interp STREQUAL cycles_jit)
  message(SEND_ERROR "modeled cycles: ${cycles_jit} on jit, ${cycles_interp} on interp")
endif()
if(COMPARE_TAGS AND NOT tags_interp STREQUAL tags_jit)
  message(SEND_ERROR "tag statistics differ\n--- interp ---\n${tags_interp}\n--- jit ---\n${tags_jit}")
endif()
if(COMPARE_HARTS)
  include(${CMAKE_CURRENT_LIST_DIR}/../per_hart_differences.cmake)
  per_hart_differences(differences "${stats_interp}" "${stats_jit}" instructions cycles)
  if(differences)
    message(SEND_ERROR "the engines differ (interp vs jit):\n${differences}")
  endif()
endif()
if(EXPECT_JIT AND NOT engine_jit STREQUAL "jit")
  message(SEND_ERROR "--engine jit ran on ${engine_jit}")
endif()
if(EXPECT_JIT AND EXPECT_TRANSLATED)
  string(JSON harts LENGTH "${stats_jit}" per_hart)
  math(EXPR last "${harts} - 1")
  foreach(h RANGE ${last})
    string(JSON blocks GET "${stats_jit}" per_hart ${h} translated_blocks)
    string(JSON retired GET "${stats_jit}" per_hart ${h} instructions)
    # A secondary hart that the host scheduled late may retire a handful of instructions before
    # the run ends: too few to pass the hotness threshold (--translate-after), so not an error.
    if(retired GREATER 10000 AND NOT blocks GREATER 0)
      message(SEND_ERROR "hart ${h} ran ${retired} instructions but translated no block on --engine jit")
    endif()
  endforeach()
endif()
# EXPECT_RESPECIALISED: a run whose rules keep changing, so some specialised tagged block must
# have been dropped and translated again (the guard's slow paths are exercised, not only valid).
if(EXPECT_JIT AND EXPECT_RESPECIALISED)
  string(JSON harts LENGTH "${stats_jit}" per_hart)
  math(EXPR last "${harts} - 1")
  set(respecialised 0)
  foreach(h RANGE ${last})
    string(JSON n ERROR_VARIABLE missing GET "${stats_jit}" per_hart ${h} tag_respecialisations)
    if(NOT missing)
      math(EXPR respecialised "${respecialised} + ${n}")
    endif()
  endforeach()
  if(NOT respecialised GREATER 0)
    message(SEND_ERROR "no specialised tagged block was dropped and translated again")
  endif()
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
