#!/usr/bin/env python3
"""Tag integrity against debugger writes: gdb-multiarch stops tags_integrity_debugger at
`checkpoint`, writes a global's address over a heap word holding a pointer (an `M` packet: a host
write into guest RAM), and continues. The word must lose the stale pointer colour, so the guest
dereferences the new address cleanly under POLICY (a false violation otherwise).

Usage: debugger_write.py UNITAG IMAGE POLICY [GDB]"""
import re
import subprocess
import sys
import time

unitag, image, policy = sys.argv[1:4]
gdb = sys.argv[4] if len(sys.argv) > 4 else "gdb-multiarch"
run = subprocess.Popen([unitag, "run", "--policy", policy, "--gdb", "0", "--gdb-wait", image],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                       text=True)
port, deadline = None, time.time() + 20
while port is None and time.time() < deadline:
    line = run.stderr.readline()
    if not line:
        break
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    port = int(m.group(1)) if m else None
if port is None:
    run.kill()
    sys.exit("unitag never said which port it listens on")
session = subprocess.run([gdb, "-batch", "-nx", "-ex", "set architecture riscv:rv64",
                          "-ex", f"target remote 127.0.0.1:{port}", "-ex", "break checkpoint",
                          "-ex", "continue", "-ex", "set var holder[0] = (long *) &target",
                          "-ex", "continue", image],
                         capture_output=True, text=True, timeout=120)
try:
    out, err = run.communicate(timeout=60)
except subprocess.TimeoutExpired:
    run.kill()
    out, err = run.communicate()
print("gdb:", session.stdout[-800:], session.stderr[-400:])
print(f"unitag exit {run.returncode}\nstdout:\n{out}\nstderr:\n{err[-1500:]}")
expected = ("pointer word differs from data 1\nafter the debugger's write: data 1\n"
            "loaded points at the global 1\nvalue 4242\n")
if run.returncode != 0 or out != expected:
    sys.exit("FAIL: expected exit 0 and\n" + expected)
print("the debugger's write cleared the pointer colour")
