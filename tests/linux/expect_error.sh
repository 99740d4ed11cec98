#!/usr/bin/env bash
# `unitag run FILE` must end with EXPECT_EXIT and a stderr line matching REGEX (a clear error,
# not a crash, or a tag violation's report; REGEX spans lines: `.` matches a newline).
#   expect_error.sh UNITAG FILE EXPECT_EXIT REGEX [unitag run flags...] [-- program args...]
set -u
unitag=$1 file=$2 expect=$3 regex=$4
shift 4
flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
[ $# -gt 0 ] && shift
err=$("$unitag" run "${flags[@]}" "$file" -- "$@" 2>&1 >/dev/null)
status=$?
echo "exit $status: $err"
[ "$status" = "$expect" ] || { echo "FAIL: expected exit $expect"; exit 1; }
grep -Ezq -- "$regex" <<<"$err" || { echo "FAIL: stderr does not match '$regex'"; exit 1; }
