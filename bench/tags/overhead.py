#!/usr/bin/env python3
"""Tag policy overhead: for each workload and policy, untagged and tagged runs interleaved
--repeat times (default 5); the host ratio is best tagged CPU time over best untagged CPU time
(both on the interpreter; bench/tags/jit_overhead.py compares the translated engine)
(the host is shared and noisy: the minimum is the run least disturbed). Also the tagged run's
--stats figures (modeled cycles, rule cache), which are deterministic.
Usage: bench/tags/overhead.py [BUILD_DIR] [--repeat N] [--policy P]... [--rule-cache N] [--ways W]
       [--miss-cost C]   (--policy: only these rows, e.g. --policy taint --policy ifc)
Prints a Markdown table (docs/policies.md holds a copy with the command line)."""
import json
import subprocess
import sys

build = "build"
extra = []
args = sys.argv[1:]
if args and not args[0].startswith("--"):
    build = args.pop(0)
repeat = 5
if "--repeat" in args:
    i = args.index("--repeat")
    repeat = int(args[i + 1])
    del args[i:i + 2]
workloads = ["bench_matmul", "bench_crc", "bench_sort", "benign_hash"]
policies = ["rwx", "heap", "stack", "cfi", "frame", "rwx,heap,stack,cfi", "rwx,heap,stack,cfi,frame",
            "taint", "ifc"]
chosen = []
while "--policy" in args:
    i = args.index("--policy")
    chosen.append(args[i + 1])
    del args[i:i + 2]
if chosen:
    policies = chosen
extra = args


def run(image, flags):
    cmd = [f"{build}/unitag", "run", f"{build}/guest/tags_{image}.elf", "--stats", "-"] + flags
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = p.stderr
    return json.loads(err[err.index("{"):])


print("| workload | policy | guest insns | host ratio | tagged MIPS | modeled overhead | hit rate | misses | distinct rules | distinct tags |")
print("|---|---|---|---|---|---|---|---|---|---|")
for w in workloads:
    for pol in policies:
        base_cpu, tagged_cpu = [], []
        for _ in range(repeat):
            base = run(w, ["--engine", "interp"])  # both interpreted: compare like with like
            tagged = run(w, ["--engine", "interp", "--policy", pol] + extra)
            base_cpu.append(base["per_hart"][0]["cpu_seconds"])
            tagged_cpu.append(tagged["per_hart"][0]["cpu_seconds"])
        t = tagged["tags"]
        ratio = min(tagged_cpu) / min(base_cpu)
        print(f"| {w} | {pol} | {tagged['instructions']} | {ratio:.2f}x | {tagged['instructions'] / min(tagged_cpu) / 1e6:.0f} | {100 * t['modeled_overhead']:.2f}% "
              f"| {100 * t['rule_cache_hit_rate']:.3f}% | {t['rule_cache_misses']} | {t['distinct_rules']} "
              f"| {t['distinct_tags']} |", flush=True)
