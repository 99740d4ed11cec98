#!/usr/bin/env python3
"""Translation tier vs interpreter (and QEMU): each compute guest runs on --engine interp and
--engine jit interleaved --repeat times (default 3); MIPS are the hart's instructions over its
best (least disturbed) host CPU time. QEMU (qemu-system-riscv64 -machine virt -bios none, TCG)
is timed by wall clock around the whole process on the same image, less its start-up (the
best time of a trivial image, measured in the same run and printed; no figure where start-up is
half of the time or more); its MIPS use unitag's instruction count.
--set heldout runs the held-out set instead (bench/guest/heldout: stock picolibc programs over
semihosting, written for comparing and never tuned for), each self-checking: a non-zero exit
from either engine or QEMU stops the script.
Usage: bench/jit_compare.py [BUILD_DIR] [--repeat N] [--no-qemu] [--set compute|heldout]
Prints a Markdown table (docs/benchmarks.md holds a copy with the command line)."""
import json
import math
import subprocess
import sys
import time

args = sys.argv[1:]
build = args.pop(0) if args and not args[0].startswith("--") else "build"
repeat = 3
if "--repeat" in args:
    repeat = int(args[args.index("--repeat") + 1])
use_qemu = "--no-qemu" not in args
suite = args[args.index("--set") + 1] if "--set" in args else "compute"
if suite == "compute":
    workloads = ["bench_mandel_int", "bench_memory", "tags_bench_matmul", "tags_bench_crc",
                 "tags_bench_sort", "tags_benign_hash", "fmandel"]
elif suite == "heldout":
    workloads = ["heldout_" + name for name in (
        "aes", "crc32", "dijkstra", "edn", "huffman", "levenshtein", "montmul", "sha256", "sort",
        "cubic", "matmul_f", "minver", "nbody", "stats")]
else:
    sys.exit(f"unknown set {suite!r}: compute or heldout")
semihost = suite == "heldout"


def unitag(image, engine):
    cmd = [f"{build}/unitag", "run", "--engine", engine, "--stats", "-"]
    cmd += ["--semihost"] if semihost else []
    p = subprocess.run(cmd + [f"{build}/guest/{image}.elf"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if semihost and p.returncode != 0:
        sys.exit(f"{image} on {engine} exited {p.returncode}: {p.stdout}{p.stderr}")
    stats = json.loads(p.stderr[p.stderr.index("{"):])
    hart = stats["per_hart"][0]
    return p.stdout, stats["instructions"], hart["cpu_seconds"]


def qemu(image, append=None):
    # QEMU's semihosting console defaults to its stderr; put it on stdio like unitag's.
    console = (["-serial", "none", "-chardev", "stdio,id=semihost", "-semihosting-config",
                "enable=on,target=native,chardev=semihost"] if semihost else ["-serial", "stdio"])
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-nographic", "-monitor",
           "none"] + console + ["-kernel", f"{build}/guest/{image}.elf"]
    cmd += ["-append", append] if append else []
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    if semihost and p.returncode != 0:
        sys.exit(f"{image} on QEMU exited {p.returncode}: {p.stdout}{p.stderr}")
    return p.stdout, time.monotonic() - t0


print("| workload | instructions | interp MIPS | jit MIPS | jit/interp | qemu MIPS | jit/qemu |")
print("|---|---|---|---|---|---|---|")
ratios, qratios = [], []
# QEMU's start-up and shutdown: an image that exits at once (semihosting's sh_exit, or the bare
# isa_hello), best of the same repeats.
startup = math.inf
if use_qemu:
    for _ in range(repeat):
        startup = min(startup, qemu("sh_exit", "x return0")[1] if semihost else qemu("isa_hello")[1])
for w in workloads:
    best = {"interp": math.inf, "jit": math.inf}
    outputs, insns, qbest, qout = {}, {}, math.inf, None
    for _ in range(repeat):
        for engine in ("interp", "jit"):
            out, n, cpu = unitag(w, engine)
            best[engine] = min(best[engine], cpu)
            outputs[engine], insns[engine] = out, n
        if use_qemu:
            qout, seconds = qemu(w)
            qbest = min(qbest, seconds)
    assert outputs["interp"] == outputs["jit"], f"{w}: the engines printed different output"
    assert insns["interp"] == insns["jit"], f"{w}: the engines retired different counts"
    n = insns["jit"]
    mi, mj = n / best["interp"] / 1e6, n / best["jit"] / 1e6
    ratios.append(mj / mi)
    # Where start-up is most of QEMU's time the difference says nothing: no figure then.
    if use_qemu and qout == outputs["jit"] and qbest > 2 * startup:
        mq = n / (qbest - startup) / 1e6
        qratios.append(mj / mq)
        qcols = f"{mq:.0f} | {mj / mq:.2f}"
    else:
        qcols = "- | -"
    print(f"| {w} | {n:,} | {mi:.0f} | {mj:.0f} | {mj / mi:.2f} | {qcols} |")
geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
line = f"\ngeometric mean jit/interp {geo:.2f}"
if qratios:
    line += f", jit/qemu {math.exp(sum(map(math.log, qratios)) / len(qratios)):.2f}"
    line += f" (QEMU start-up {startup:.3f} s subtracted)"
print(line)
