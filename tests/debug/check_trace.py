#!/usr/bin/env python3
"""Runs `unitag run --deterministic IMAGE --trace FILE [flags]` and compares the trace line by line
with an expected file. Addresses inside the traced function are rewritten as FUNC+0xN first, so
the expectation does not depend on where the linker put the function."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--unitag", required=True)
parser.add_argument("--image", required=True)
parser.add_argument("--nm", required=True)
parser.add_argument("--function", required=True, help="symbol whose addresses are made relative")
parser.add_argument("--expected", required=True)
parser.add_argument("flags", nargs="*", help="extra unitag run flags (after --)")
args = parser.parse_args()

start = size = None
for line in subprocess.run([args.nm, "-S", args.image], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 4 and parts[3] == args.function:
        start, size = int(parts[0], 16), int(parts[1], 16)
if start is None:
    sys.exit(f"{args.function} not found (with a size) in {args.image}")

# "{+0x4}" in a flag stands for the function's address plus 4 (for --trace-range).
flags = [re.sub(r"\{\+(0x[0-9a-f]+)\}", lambda m: hex(start + int(m.group(1), 16)), f) for f in args.flags]

with tempfile.TemporaryDirectory() as tmp:
    trace_path = os.path.join(tmp, "trace.txt")
    run = subprocess.run([args.unitag, "run", "--deterministic", args.image, "--trace", trace_path] + flags,
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        sys.exit(f"unitag exited with {run.returncode}\n{run.stderr}")
    with open(trace_path) as f:
        actual = f.read().splitlines()


def relative(m):
    value = int(m.group(1), 16)
    return f"{args.function}+0x{value - start:x}" if start <= value < start + size else m.group(0)


actual = [re.sub(r"0x([0-9a-f]+)", relative, line) for line in actual]
with open(args.expected) as f:
    expected = f.read().splitlines()
errors = []
for i in range(max(len(actual), len(expected))):
    a = actual[i] if i < len(actual) else "<missing>"
    e = expected[i] if i < len(expected) else "<no more lines expected>"
    if a != e:
        errors.append(f"line {i + 1}:\n  expected: {e}\n  actual:   {a}")
if errors:
    sys.exit("trace differs from " + args.expected + "\n" + "\n".join(errors) + "\n--- actual trace ---\n" +
             "\n".join(actual))
print(f"trace ok ({len(actual)} lines)")
