# unitag_execute_loop_sources(<source>...): compile options every source file that instantiates
# the execute loop (machine/hart/execute_loop.inc) needs, so a hook's own loop (the tag engine's)
# is dispatched like the machine's. Sources are relative to the calling CMakeLists.txt.
function(unitag_execute_loop_sources)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Each instruction ends in its own indirect jump (threaded dispatch); cross-jumping would
    # merge those identical tails back into one shared, badly predicted jump.
    set_property(SOURCE ${ARGN} APPEND PROPERTY COMPILE_OPTIONS -fno-crossjumping)
  endif()
  if(UNITAG_SANITIZE)
    # UBSan's per-dereference checks, inlined into every handler of every instantiation, made
    # the tag engine's loop alone take 13 of CI's minutes to compile (3-5 without them). ASan still
    # checks every access these files make, and a null dereference still stops with its report;
    # the other UBSan checks (overflow, shifts, bounds of arrays) stay.
    set_property(SOURCE ${ARGN} APPEND PROPERTY COMPILE_OPTIONS
                 -fno-sanitize=alignment,null,pointer-overflow,object-size)
  endif()
endfunction()
