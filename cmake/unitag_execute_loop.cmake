# unitag_execute_loop_sources(<source>...): compile options every source file that instantiates
# the execute loop (machine/hart/execute_loop.inc) needs, so a hook's own loop (the tag engine's)
# is dispatched like the machine's. Sources are relative to the calling CMakeLists.txt.
function(unitag_execute_loop_sources)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Each instruction ends in its own indirect jump (threaded dispatch); cross-jumping would
    # merge those identical tails back into one shared, badly predicted jump.
    set_property(SOURCE ${ARGN} APPEND PROPERTY COMPILE_OPTIONS -fno-crossjumping)
  endif()
endfunction()
