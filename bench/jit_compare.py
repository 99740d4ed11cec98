#!/usr/bin/env python3
"""Translation tier vs interpreter (and QEMU): each compute guest runs on --engine interp and
--engine jit interleaved --repeat times (default 3); MIPS are the hart's instructions over its
best (least disturbed) host CPU time. QEMU (qemu-system-riscv64 -machine virt -bios none, TCG)
is timed by wall clock around the whole process (start-up included) on the same image; its
MIPS use unitag's instruction count.
Usage: bench/jit_compare.py [BUILD_DIR] [--repeat N] [--no-qemu]
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
workloads = ["bench_mandel_int", "bench_memory", "tags_bench_matmul", "tags_bench_crc",
             "tags_bench_sort", "tags_benign_hash", "fmandel"]


def unitag(image, engine):
    cmd = [f"{build}/unitag", "run", "--engine", engine, "--stats", "-",
           f"{build}/guest/{image}.elf"]
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    stats = json.loads(p.stderr[p.stderr.index("{"):])
    hart = stats["per_hart"][0]
    return p.stdout, stats["instructions"], hart["cpu_seconds"]


def qemu(image):
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-nographic", "-monitor",
           "none", "-serial", "stdio", "-kernel", f"{build}/guest/{image}.elf"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    return p.stdout, time.monotonic() - t0


print("| workload | instructions | interp MIPS | jit MIPS | jit/interp | qemu MIPS | jit/qemu |")
print("|---|---|---|---|---|---|---|")
ratios, qratios = [], []
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
    if use_qemu and qout == outputs["jit"]:
        mq = n / qbest / 1e6
        qratios.append(mj / mq)
        qcols = f"{mq:.0f} | {mj / mq:.2f}"
    else:
        qcols = "- | -"
    print(f"| {w} | {n:,} | {mi:.0f} | {mj:.0f} | {mj / mi:.2f} | {qcols} |")
geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
line = f"\ngeometric mean jit/interp {geo:.2f}"
if qratios:
    line += f", jit/qemu {math.exp(sum(map(math.log, qratios)) / len(qratios)):.2f}"
print(line)
