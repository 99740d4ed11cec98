#!/usr/bin/env bash
# Runs a static riscv64 Linux PROGRAM under `unitag run` and under qemu-riscv64 and requires the
# same stdout and exit status, and that status to be EXPECT_EXIT.
#   compare.sh UNITAG PROGRAM EXPECT_EXIT [HOST=GUEST ...] -- [ARGS ...]
# Each HOST=GUEST file is given to unitag with --file and copied to GUEST (relative to a scratch
# directory qemu-riscv64 runs in); the program sees it at the same relative path in both.
# Lines the Linux personality itself prints ("linux: ...": an unimplemented call, a fault) share
# the console with the program's output: they are set aside before the comparison, and any one
# fails the test unless it matches $LINUX_TEST_NOTE.
# $UNITAG_RUN_ARGS (e.g. "--harts 4") go to `unitag run`; $UNITAG_GUEST_TIMEOUT is its --timeout
# (120 s; sanitizer builds raise it).
# Without qemu-riscv64 the comparison is skipped and only the status is checked.
set -u
unitag=$1 program=$2 expect=$3
shift 3
files=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do files+=("$1"); shift; done
[ $# -gt 0 ] && shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"
unitag_files=()
for spec in "${files[@]}"; do
  host=${spec%%=*} guest=${spec#*=}
  unitag_files+=(--file "$host=/$guest")
  mkdir -p "$work/root/$(dirname "$guest")"
  cp "$host" "$work/root/$guest"
done
export UNITAG_TEST_VAR=from-the-host

# shellcheck disable=SC2086
"$unitag" run --timeout "${UNITAG_GUEST_TIMEOUT:-120}" ${UNITAG_RUN_ARGS:-} "${unitag_files[@]}" "$program" -- "$@" >"$work/unitag.out" 2>"$work/unitag.err"
status=$?
echo "unitag: exit $status"
cat "$work/unitag.out"
if [ -s "$work/unitag.err" ]; then echo "unitag stderr:"; cat "$work/unitag.err"; fi
grep '^linux: ' "$work/unitag.out" >"$work/notes"
grep -v '^linux: ' "$work/unitag.out" >"$work/program.out"
if grep -Eqv -- "${LINUX_TEST_NOTE:-^$}" "$work/notes"; then
  echo "FAIL: the Linux personality reported something unexpected (above)"
  exit 1
fi
if [ "$status" != "$expect" ]; then
  echo "FAIL: unitag exit status $status, expected $expect"
  exit 1
fi
if ! command -v qemu-riscv64 >/dev/null; then
  echo "qemu-riscv64 not installed (Debian package qemu-user): comparison skipped"
  exit 0
fi
(cd "$work/root" && exec qemu-riscv64 -L /usr/riscv64-linux-gnu "$program" "$@") >"$work/qemu.out" 2>"$work/qemu.err"
qemu_status=$?
if [ "$qemu_status" != "$status" ]; then
  echo "FAIL: qemu-riscv64 exit status $qemu_status, unitag $status"
  exit 1
fi
if ! diff -u "$work/qemu.out" "$work/program.out"; then
  echo "FAIL: stdout differs (--- qemu-riscv64, +++ unitag)"
  exit 1
fi
echo "same stdout and exit status as qemu-riscv64"
