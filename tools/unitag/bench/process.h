// Runs one child process for `unitag bench` (a `unitag run` or a qemu-system-riscv64) and
// measures it: exit code, captured output, wall time and the child's own CPU time (wait4).
// Not a sandbox: the child runs with the harness's rights; a timeout kills it.
#pragma once

#include <string>
#include <vector>

namespace unitag::bench {

struct ProcessResult {
  int exit_code = -1;  // the child's exit status; 128 + N if killed by signal N
  bool timed_out = false;
  std::string out;
  std::string err;
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system time of the child (all its threads)
};

// Runs argv[0] (looked up in PATH) in `cwd` (empty: the current directory) with stdin from
// /dev/null; stdout and stderr go through files in `scratch_dir`. Kills the child after
// `timeout_seconds`. Throws std::runtime_error if the process cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& scratch_dir,
                          double timeout_seconds, const std::string& cwd = {});

// The argv as one shell-pasteable line (for the report's "command" fields).
std::string shell_line(const std::vector<std::string>& argv);

}  // namespace unitag::bench
