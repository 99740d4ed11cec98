#!/usr/bin/env bash
# `unitag run FILE` must end with EXPECT_EXIT and a stderr line matching REGEX (a clear error,
# not a crash).   expect_error.sh UNITAG FILE EXPECT_EXIT REGEX [unitag run flags...]
set -u
err=$("$1" run "${@:5}" "$2" 2>&1 >/dev/null)
status=$?
echo "exit $status: $err"
[ "$status" = "$3" ] || { echo "FAIL: expected exit $3"; exit 1; }
grep -Eq -- "$4" <<<"$err" || { echo "FAIL: stderr does not match '$4'"; exit 1; }
