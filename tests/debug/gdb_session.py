#!/usr/bin/env python3
"""Drives gdb-multiarch in batch mode against `unitag run --gdb 0 --gdb-wait` on debuggee.elf and
checks the transcript step by step, then that the program finished normally after `detach`."""
import argparse
import re
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--unitag", required=True)
parser.add_argument("--image", required=True)
parser.add_argument("--script", required=True)
parser.add_argument("--gdb", default="gdb-multiarch")
args = parser.parse_args()

unitag = subprocess.Popen([args.unitag, "run", "--gdb", "0", "--gdb-wait", args.image],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
port = None
deadline = time.time() + 20
first_lines = []
while time.time() < deadline:
    line = unitag.stderr.readline()
    if not line:
        break
    first_lines.append(line)
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if m:
        port = int(m.group(1))
        break
if port is None:
    unitag.kill()
    sys.exit("unitag never said which port it listens on; stderr:\n" + "".join(first_lines))

gdb = subprocess.run([args.gdb, "-batch", "-nx", "-ex", "set architecture riscv:rv64",
                      "-ex", f"target remote 127.0.0.1:{port}", "-x", args.script, args.image],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
try:
    out, err = unitag.communicate(timeout=60)
except subprocess.TimeoutExpired:
    unitag.kill()
    out, err = unitag.communicate()
    sys.exit("unitag did not finish after gdb detached\n" + err)
transcript = gdb.stdout

# Each expectation must match, in this order, somewhere after the previous one.
expectations = [
    ("breakpoint on accumulate", r"Breakpoint 1, accumulate \(n=5\) at .*debuggee\.c:10"),
    ("argument read from the stack", r"\$1 = 5\n"),
    ("register a0 holds the argument", r"\$2 = 0x5\n"),
    ("pc is inside accumulate", r"pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <accumulate\+\d+>"),
    ("next reaches the loop body", r"\n12\s+total \+= square\(i\);"),
    ("local before the first iteration", r"\$3 = 0\n"),
    ("step enters square", r"square \(v=1\) at .*debuggee\.c:7"),
    ("backtrace through main", r"#2 .* in main \(\) at .*debuggee\.c:\d+"),
    ("finish returns square's value", r"Value returned is \$4 = 1\n"),
    ("global before the watch", r"\$5 = 0\n"),
    ("write watchpoint fires", r"Hardware watchpoint 2: counter\s+Old value = 0\s+New value = 1"),
    ("and fires again", r"Old value = 1\s+New value = 2"),
    ("hardware breakpoint", r"Breakpoint 3, square \(v=3\)"),
    ("local of the new frame", r"\$6 = 3\n"),
    ("memory write through gdb", r"\$7 = 40\n"),
    ("disassembly at pc", r"=> 0x[0-9a-f]+ <square\+\d+>:"),
    ("one thread per hart", r"\* 1\s+Thread 1 \(hart 0\)"),
    ("monitor help round trip", r"unitag monitor commands:"),
    ("monitor harts", r"hart 0 \(thread 1\): pc 0x[0-9a-f]+ <square\+0x[0-9a-f]+> M-mode"),
    # With no tag policy the stub answers itself; with one, the tag engine answers.
    ("monitor tag query answered", r"(tags are off on hart 0|tag)[^\n]*\n"),
    ("detach", r"\[Inferior 1 \(Remote target\) detached\]"),
]
pos = 0
failed = []
for what, pattern in expectations:
    m = re.compile(pattern).search(transcript, pos)
    if not m:
        failed.append(f"missing after offset {pos}: {what}: /{pattern}/")
        continue
    pos = m.end()
if re.search(r"(?i)remote failure|Remote connection closed|Cannot access memory|error", transcript):
    failed.append("gdb reported an error")
# The write `set var counter = 40` happened while counter was 2: the loop adds 3 more.
if out != "result 55 counter 43\n":
    failed.append(f"guest output after detach: {out!r}, expected 'result 55 counter 43\\n'")
if unitag.returncode != 0:
    failed.append(f"unitag exit code {unitag.returncode}, expected 0")
if failed:
    sys.exit("\n".join(failed) + "\n--- gdb transcript ---\n" + transcript + "\n--- unitag stderr ---\n" +
             "".join(first_lines) + err)
print("gdb session ok")
