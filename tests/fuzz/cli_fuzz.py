#!/usr/bin/env python3
"""Command-line fuzzing (docs/fuzzing.md): random `unitag` command lines, built from every flag
of `unitag run` with valid, edge and garbage values, and random images (real guests, Linux
programs, missing, a directory, garbage, truncated ELFs), plus `unitag report` on damaged JSON.
Each run happens in an empty scratch directory with a time limit. unitag must never crash, hang,
report an internal error (exit 70) or a sanitizer finding; a refused command line must say why
on one `unitag: error:` line; a stopped guest must say why on a `unitag: stopped:` line.

Usage: cli_fuzz.py UNITAG BUILD_DIR [--seed N] [--runs N] [--seconds S] [--keep DIR]
Exit status: 0 no failure, 1 a failure (the command line is printed, and kept in DIR)."""
import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time

# Flags of `unitag run` and how to make a value. Left out: --gdb/--gdb-wait (they wait for a
# debugger), --mpi-* (they need mpirun).
SIZES = ["0", "1", "4K", "1M", "16M", "128M", "1G", "17G", "12Q", "-1", "99999999999999999999G",
         "4097", "1048577", "", "0x10", "1e3", "M"]
NUMBERS = ["0", "1", "2", "3", "4", "8", "63", "64", "65", "-1", "1000", "18446744073709551615",
           "18446744073709551616", "1e9", "0x10", "", "abc", "1.5"]
SECONDS = ["0", "0.5", "1", "2", "-1", "nan", "inf", "1e308", "", "x"]
POLICIES = ["rwx", "heap", "stack", "cfi", "frame", "taint", "ifc", "compartment", "mte", "bounds",
            "types", "heap:colours=16", "heap:colours=lots", "mte:seed=7", "taint:sinks=jump",
            "taint:sinks=nothing", "ifc:lattice=missing.txt", "stack:depth=3", "heep", "", ","]
RANGES = ["0-1", "2-3", "0", "1", "0-63", "3-1", "0-64", "a-b", "", "-", "0-1:hello.elf",
          "0-1:tagged", "2-3:missing.elf:tagged", "0-1:tagged:tagged", "0,2"]
FLAGS = {
    "--harts": NUMBERS, "--mem": SIZES, "--deterministic": None, "--quantum": NUMBERS,
    "--engine": ["jit", "interp", "qemu", ""], "--max-insns": NUMBERS, "--timeout": SECONDS,
    "--max-output": SIZES, "--stats": ["stats.json", "-", "", "no/such/dir/s.json"],
    "--uart-in": ["input.txt", "/dev/null", "missing.txt", ".", ""],
    "--uart-out": ["out.txt", "", ".", "no/such/dir/out"],
    "--partition": RANGES, "--channel-mem": SIZES,
    "--placement": ["critical-only", "all-tagged", "none-tagged", "some"],
    "--elastic": NUMBERS, "--file": ["input.txt", "input.txt=/data/x", "missing", "=", ""],
    "--env": ["A=1", "NOVALUE", "=x", "A==", ""], "--env-clear": None,
    "--firmware": ["garbage.bin", "hello.elf", "missing.bin", "."],
    "--kernel": ["garbage.bin", "missing"], "--initrd": ["garbage.bin", "missing"],
    "--append": ["console=ttyS0", "", "x" * 5000], "--dump-dtb": ["tree.dtb", "", "."],
    "--semihost": None, "--semihost-root": [".", "missing", "input.txt", ""],
    "--semihost-write": None, "--policy": POLICIES, "--tagged": ["0", "0,2", "3", "", "x", "0-1"],
    "--rule-cache": NUMBERS, "--rule-cache-ways": NUMBERS, "--miss-cost": NUMBERS,
    "--rule-key": ["canonical", "raw", "other"], "--on-violation": ["stop", "trap", "ignore"],
    "--trace": ["trace.txt", "-", ""], "--trace-range": ["0x80000000:0x80001000", "1:0", "x", ""],
    "--trace-symbol": ["main", "nosuch", ""], "--trace-limit": NUMBERS,
}

# Values that are all valid: half the command lines use only these, so that they reach the machine.
VALID = {
    "--harts": ["1", "2", "4"], "--mem": ["16M", "64M", "128M"], "--deterministic": None,
    "--quantum": ["1", "100", "10000"], "--engine": ["jit", "interp"],
    "--max-insns": ["1", "1000", "2000000"], "--max-output": ["1", "100", "0", "1M"],
    "--policy": ["rwx", "heap", "stack,cfi", "frame", "taint", "mte", "bounds",
                 "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds", "types"],
    "--rule-cache": ["0", "16", "1024"], "--on-violation": ["stop", "trap"],
    "--uart-in": ["input.txt", "/dev/null"], "--stats": ["stats.json"],
    "--trace-limit": ["10"], "--trace": ["trace.txt"], "--semihost": None,
}


def make_images(work, build):
    guest = os.path.join(build, "guest")
    with open(os.path.join(work, "garbage.bin"), "wb") as f:
        f.write(bytes(random.Random(7).getrandbits(8) for _ in range(3000)))
    with open(os.path.join(work, "input.txt"), "w") as f:
        f.write("some input\n")
    hello = os.path.join(guest, "hello.elf")
    with open(hello, "rb") as f:
        data = f.read()
    for n in (16, 64, 200, 1000):
        with open(os.path.join(work, f"trunc{n}.elf"), "wb") as f:
            f.write(data[:n])
    damaged = bytearray(data)
    for i in range(0, 64, 7):  # the ELF header and first program header, damaged
        damaged[i + 16] ^= 0x5A
    with open(os.path.join(work, "damaged.elf"), "wb") as f:
        f.write(bytes(damaged))
    images = [hello, os.path.join(guest, "cli_spin.elf"), os.path.join(guest, "cli_garbage.elf"),
              os.path.join(guest, "tags_heap_overflow.elf"), os.path.join(guest, "threads.elf"),
              os.path.join(build, "tests", "linux", "bin", "hello"), "missing.elf", ".",
              "garbage.bin", "trunc16.elf", "trunc64.elf", "trunc200.elf", "trunc1000.elf",
              "damaged.elf", "input.txt", ""]
    return [i for i in images if i == "" or not os.path.isabs(i) or os.path.exists(i)]


def stats_file(rng, work):
    good = {"image": "x.elf", "harts": 1, "mode": "parallel", "stop_reason": "guest-exit",
            "exit_code": 0, "wall_seconds": 0.1, "instructions": 10, "mips": 1.0,
            "per_hart": [{"hart": 0, "instructions": 10, "cycles": 10, "mips": 1.0}]}
    kind = rng.randrange(6)
    if kind == 0:
        text = json.dumps(good)
    elif kind == 1:
        text = json.dumps(good)[: rng.randrange(1, 80)]
    elif kind == 2:
        bad = dict(good)
        key = rng.choice(list(bad))
        bad[key] = rng.choice([None, "x", -1, [], {}, 1e308, "∞" * 3])
        text = json.dumps(bad)
    elif kind == 3:
        text = json.dumps(rng.choice([[], 3, "s", None, {"per_hart": "x"}]))
    elif kind == 4:
        text = "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randrange(200)))
    else:
        bad = dict(good)
        bad["per_hart"] = [{"hart": rng.choice([0, -1, 99, "a"]),
                            "instructions": rng.choice([0, -5, 2**70, "n"])}]
        text = json.dumps(bad)
    with open(os.path.join(work, "s.json"), "w") as f:
        f.write(text)
    return "s.json"


def command(rng, unitag, images, work):
    r = rng.random()
    if r < 0.05:
        return [unitag] + rng.choice([["policies"], ["bench", "--list"], [], ["nosuch"],
                                      ["--help"], ["run", "--help"], ["report"]])
    if r < 0.12:
        return [unitag, "report", stats_file(rng, work)]
    args = [unitag, "run"]
    flags = VALID if rng.random() < 0.5 else FLAGS
    for _ in range(rng.randrange(6)):
        flag = rng.choice(list(flags))
        values = flags[flag]
        args.append(flag)
        if values is not None:
            args.append(rng.choice(values) if flags is VALID or rng.random() < 0.9 else
                        "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(9))))
    if "--max-insns" not in args:
        args += ["--max-insns", "3000000"]
    if "--timeout" not in args:
        args += ["--timeout", "5"]
    image = rng.choice(images)
    if image or rng.random() < 0.5:
        args.append(image)
    if rng.random() < 0.2:
        args += ["--"] + [rng.choice(["a", "", "--x", "é" * 40]) for _ in range(rng.randrange(4))]
    return args


def judge(code, stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("unitag:")]
    if code < 0:
        return f"killed by signal {-code}"
    if code == 70 or "internal error" in stderr:
        return "internal error"
    for marker in ("AddressSanitizer", "runtime error:", "LeakSanitizer", "terminate called"):
        if marker in stderr:
            return f"host error: {marker}"
    if code in (64, 65, 66) and not any(l.startswith("unitag: error: ") for l in lines):
        return f"exit {code} without a 'unitag: error:' line"
    if 118 <= code <= 125 and not any(l.startswith("unitag: stopped: ") for l in lines):
        return f"exit {code} without a 'unitag: stopped:' line"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("unitag")
    ap.add_argument("build")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--keep")
    args = ap.parse_args()
    unitag = os.path.abspath(args.unitag)
    rng = random.Random(args.seed)
    start, runs, failures, codes = time.monotonic(), 0, [], {}
    while (time.monotonic() - start < args.seconds) if args.seconds else runs < args.runs:
        with tempfile.TemporaryDirectory() as work:
            images = make_images(work, os.path.abspath(args.build))
            cmd = command(rng, unitag, images, work)
            shown = shlex.join(cmd)
            try:
                p = subprocess.run(cmd, cwd=work, capture_output=True, stdin=subprocess.DEVNULL,
                                   timeout=60)
                verdict = judge(p.returncode, p.stderr.decode("utf-8", "replace"))
                codes[p.returncode] = codes.get(p.returncode, 0) + 1
                stderr = p.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                verdict, stderr = "hung (no exit within 60 s despite --timeout)", ""
            runs += 1
            if verdict:
                failures.append(shown)
                print(f"FAIL ({verdict}): {shown}\n{stderr[-1500:]}")
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    with open(os.path.join(args.keep, "failures.txt"), "a") as f:
                        f.write(f"{verdict}\t{shown}\n")
    summary = ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))
    print(f"cli_fuzz: {runs} command lines, seed {args.seed}, {len(failures)} failed "
          f"({time.monotonic() - start:.0f} s); exit codes {summary}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
