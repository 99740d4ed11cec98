#!/usr/bin/env python3
"""Tag policy overhead: for each workload and policy, one untagged run and one tagged run back to
back (host-time ratio), plus the tagged run's --stats figures (modeled cycles, rule cache).
Usage: bench/tags/overhead.py [BUILD_DIR] [--rule-cache N] [--ways W] [--miss-cost C]
Prints a Markdown table (docs/policies.md holds a copy with the command line)."""
import json
import subprocess
import sys

build = "build"
extra = []
args = sys.argv[1:]
if args and not args[0].startswith("--"):
    build = args.pop(0)
extra = args
workloads = ["bench_matmul", "bench_crc", "bench_sort", "benign_hash"]
policies = ["rwx", "heap", "stack", "cfi", "frame", "rwx,heap,stack,cfi", "rwx,heap,stack,cfi,frame"]


def run(image, flags):
    cmd = [f"{build}/unitag", "run", f"{build}/guest/tags_{image}.elf", "--stats", "-"] + flags
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = p.stderr
    return json.loads(err[err.index("{"):])


print("| workload | policy | guest insns | host ratio | modeled overhead | hit rate | misses | distinct rules | distinct tags |")
print("|---|---|---|---|---|---|---|---|---|")
for w in workloads:
    for pol in policies:
        base = run(w, [])
        tagged = run(w, ["--policy", pol] + extra)
        t = tagged["tags"]
        ratio = tagged["per_hart"][0]["host_seconds"] / base["per_hart"][0]["host_seconds"]
        print(f"| {w} | {pol} | {tagged['instructions']} | {ratio:.2f}x | {100 * t['modeled_overhead']:.2f}% "
              f"| {100 * t['rule_cache_hit_rate']:.3f}% | {t['rule_cache_misses']} | {t['distinct_rules']} "
              f"| {t['distinct_tags']} |", flush=True)
