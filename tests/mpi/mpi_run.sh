#!/usr/bin/env bash
# One multi-rank run checked against a single-process run, or against expectations:
#   mpi_run.sh NP UNITAG [run flags and IMAGE] [-- guest args]
# Without EXPECT_*: stdout and the exit code must equal those of `UNITAG run ...` in one process.
# EXPECT_EXIT, EXPECT_STDOUT (grep -E), EXPECT_STDERR (grep -E) check the multi-rank run instead.
# MPI_CHANNEL=shared|rma adds --mpi-channel to the multi-rank run only.
# Exit 77 (skipped) when mpirun is absent.
set -uo pipefail
np=$1 unitag=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../../scripts/mpirun-local
command -v mpirun >/dev/null || { echo "mpirun not found: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 120 "$launcher" -np "$np" "$unitag" run ${MPI_CHANNEL:+--mpi-channel "$MPI_CHANNEL"} "$@" \
  >"$work/out" 2>"$work/err"
code=$?
if [ -z "${EXPECT_EXIT:-}${EXPECT_STDOUT:-}${EXPECT_STDERR:-}" ]; then
  timeout 120 "$unitag" run "$@" >"$work/ref" 2>"$work/referr"
  ref=$?
  if [ "$code" != "$ref" ] || ! diff "$work/ref" "$work/out"; then
    echo "FAIL: -np $np exit $code, one process exit $ref (diff above)"
    cat "$work/err"
    exit 1
  fi
  cat "$work/out"
  echo "same output and exit code ($code) as one process"
  exit 0
fi
cat "$work/out"
cat "$work/err" >&2
fail=0
[ -n "${EXPECT_EXIT:-}" ] && [ "$code" != "$EXPECT_EXIT" ] && { echo "FAIL: exit $code, expected $EXPECT_EXIT"; fail=1; }
[ -n "${EXPECT_STDOUT:-}" ] && ! grep -Eq "$EXPECT_STDOUT" "$work/out" && { echo "FAIL: stdout lacks /$EXPECT_STDOUT/"; fail=1; }
[ -n "${EXPECT_STDERR:-}" ] && ! grep -Eq "$EXPECT_STDERR" "$work/err" && { echo "FAIL: stderr lacks /$EXPECT_STDERR/"; fail=1; }
exit $fail
