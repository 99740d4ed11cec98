# Included by the Linux boot scripts: the cached kernel Image and initramfs from
# scripts/build-linux --cached (BUILD_LINUX) in `image` and `initrd`, and `linux_cached` true;
# false (after printing the SKIPPED line the tests' SKIP_REGULAR_EXPRESSION matches) when the
# kernel is not built.
set(linux_cached FALSE)
execute_process(COMMAND ${BUILD_LINUX} --cached OUTPUT_VARIABLE paths RESULT_VARIABLE cached
                ERROR_VARIABLE why)
if(cached EQUAL 77)
  message("SKIPPED: ${why}")
  return()
elseif(NOT cached EQUAL 0)
  message(FATAL_ERROR "scripts/build-linux --cached failed: ${why}")
endif()
string(REPLACE "\n" ";" paths "${paths}")
list(GET paths 0 image)
list(GET paths 1 initrd)
set(linux_cached TRUE)
